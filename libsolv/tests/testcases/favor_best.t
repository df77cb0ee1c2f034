# favor picks an older alternative; forcebest insists on the newest
# version and reports a problem when it is not installable.
repo system 0 empty
repo available 0 testtags <inline>
#>=Pkg: tool 1 1 noarch
#>=Req: cc
#>=Pkg: gcc 1 1 noarch
#>=Prv: cc
#>=Pkg: clang 1 1 noarch
#>=Prv: cc
#>=Pkg: p 1 1 noarch
#>=Pkg: p 2 1 noarch
#>=Req: missing
system x86_64 rpm system
job install name tool
job favor name clang
result transaction,problems <inline>
#>install clang-1-1.noarch@available
#>install tool-1-1.noarch@available
nextjob
job install name tool
job favor name gcc
result transaction,problems <inline>
#>install gcc-1-1.noarch@available
#>install tool-1-1.noarch@available
nextjob
job install name p
result transaction,problems <inline>
#>install p-1-1.noarch@available
nextjob
job install name p [forcebest]
result transaction,problems <inline>
#>problem a3512c49 info nothing provides missing needed by p-2-1.noarch
#>problem a3512c49 solution 6acc2d4e deljob install name p [forcebest]
