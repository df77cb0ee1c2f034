# Basic install pulls in a dependency (the newest provider).
repo system 0 testtags <inline>
#>=Pkg: glibc 2.38 1 x86_64
repo available 0 testtags <inline>
#>=Pkg: a 1 1 noarch
#>=Req: b >= 2
#>=Pkg: b 1 1 noarch
#>=Pkg: b 2 1 noarch
#>=Pkg: b 3 1 noarch
system x86_64 rpm system
job install name a
result transaction,problems <inline>
#>install a-1-1.noarch@available
#>install b-3-1.noarch@available
