#ifndef NOTIF_TEST_WIRE_H
#define NOTIF_TEST_WIRE_H

/* The socket half of the wire tests (test_wire_sock.c); failures count. */
int wire_sock_run(void);

#endif
