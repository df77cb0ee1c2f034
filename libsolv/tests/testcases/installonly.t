# Multiversion (installonly) kernel: a new kernel is installed next to the
# old one instead of replacing it.
repo system 0 testtags <inline>
#>=Pkg: kernel 6.1 1 x86_64
repo available 0 testtags <inline>
#>=Pkg: kernel 6.1 1 x86_64
#>=Pkg: kernel 6.6 1 x86_64
system x86_64 rpm system
job multiversion name kernel
job update all packages
result transaction,problems <inline>
#>install kernel-6.6-1.x86_64@available
nextjob
job update all packages
result transaction,problems <inline>
#>upgrade kernel-6.1-1.x86_64@system kernel-6.6-1.x86_64@available
