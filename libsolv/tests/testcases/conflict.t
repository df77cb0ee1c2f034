# Installing two conflicting packages is a problem.
repo system 0 empty
repo available 0 testtags <inline>
#>=Pkg: x 1 1 noarch
#>=Con: y
#>=Pkg: y 1 1 noarch
system x86_64 rpm system
job install name x
job install name y
result transaction,problems <inline>
#>problem 2e7c2923 info package x-1-1.noarch conflicts with y provided by y-1-1.noarch
#>problem 2e7c2923 solution a28c7f93 deljob install name x
#>problem 2e7c2923 solution dfeb1843 deljob install name y
