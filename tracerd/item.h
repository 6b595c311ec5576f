/* What epoll_data.ptr points at: an fd and the handler of its events. The
 * loop calls the handler; the modules that own the items never call back
 * into the loop (systemd's sd_event_add_io callbacks, ntpd's control.c). */
#ifndef TRACERD_ITEM_H
#define TRACERD_ITEM_H

#include <stdint.h>

struct item;
struct worker;

typedef void item_handler(struct item *it, uint32_t events, struct worker *w);

struct item {
	int fd;
	item_handler *on_event;
};

#endif
