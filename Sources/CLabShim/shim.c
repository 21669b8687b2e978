#define _GNU_SOURCE
#include <sched.h>
#include <unistd.h>
#include "CLabShim.h"

pid_t kdp_gettid(void) { return gettid(); }
int kdp_unshare_netns(void) { return unshare(CLONE_NEWNET); }
int kdp_setns_net(int fd) { return setns(fd, CLONE_NEWNET); }
