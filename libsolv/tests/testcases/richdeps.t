# Rich dependencies: (b or c) picks one provider, (c if b) pulls c only when
# b gets installed.
feature complex_deps
repo system 0 empty
repo available 0 testtags <inline>
#>=Pkg: a 1 1 noarch
#>=Req: b | c
#>=Pkg: b 1 1 noarch
#>=Pkg: c 1 1 noarch
#>=Pkg: d 1 1 noarch
#>=Req: c <IF> b
#>=Pkg: e 1 1 noarch
#>=Req: b
#>=Req: c <IF> b
system x86_64 rpm system
job install name a
result transaction,problems <inline>
#>install a-1-1.noarch@available
#>install b-1-1.noarch@available
nextjob
job install name d
result transaction,problems <inline>
#>install d-1-1.noarch@available
nextjob
job install name e
result transaction,problems <inline>
#>install b-1-1.noarch@available
#>install c-1-1.noarch@available
#>install e-1-1.noarch@available
