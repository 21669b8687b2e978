// glibc calls that Swift's Glibc module does not export (they sit behind _GNU_SOURCE).
#pragma once
#include <sys/types.h>

/// gettid(2): the calling thread's id (for /proc/self/task/TID/ns/net).
pid_t kdp_gettid(void);
/// unshare(CLONE_NEWNET): gives the calling thread a fresh network namespace.
int kdp_unshare_netns(void);
/// setns(fd, CLONE_NEWNET): moves the calling thread into the network namespace of fd.
int kdp_setns_net(int fd);
