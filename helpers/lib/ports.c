/* SPDX-License-Identifier: Apache-2.0 */
/* ports.c: published ports: -p's syntax, held host ports, ports.json */
#include <arpa/inet.h>
#include <net/if.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <jansson.h>

#include "dl.h"
#include "dl/json.h"
#include "dl/ports.h"

#define SYNTAX "not [HOSTIP:][HOSTPORT:]CTRPORT[/tcp|udp]"

/* A port number of @len characters at @s; 0 for an empty one or "0" when
 * @empty_ok, -1 when it is none. */
static long port_number(const char *s, size_t len, bool empty_ok)
{
	long v = 0;

	if (!len)
		return empty_ok ? 0 : -1;
	if (len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return (v >= 1 || empty_ok) && v <= 65535 ? v : -1;
}

int dl_port_parse(const char *s, struct dl_port *p, char **reason)
{
	_cleanup_free_ char *copy = dl_xstrdup(s);
	char *slash = strrchr(copy, '/'), *c1, *c2, *ctr;
	const char *host = "";
	long cp, hp = 0;

	*reason = NULL;
	memset(p, 0, sizeof(*p));
	if (slash) {
		*slash = '\0';
		if (!strcmp(slash + 1, "udp"))
			p->udp = true;
		else if (strcmp(slash + 1, "tcp"))
			return dl_fail(reason, DL_EXIT_USAGE, "unable to "
				       "publish port '%s': only tcp and udp",
				       s);
	}
	c2 = strrchr(copy, ':');
	ctr = c2 ? c2 + 1 : copy;
	if (c2) {
		*c2 = '\0';
		c1 = strrchr(copy, ':');
		host = c1 ? c1 + 1 : copy;
		if (c1) {
			*c1 = '\0';
			if (inet_pton(AF_INET, copy, &p->host_ip) != 1)
				return dl_fail(reason, DL_EXIT_USAGE, "unable "
					       "to publish port '%s': '%s' is "
					       "no IPv4 address", s, copy);
		}
		hp = port_number(host, strlen(host), true);
	}
	cp = port_number(ctr, strlen(ctr), false);
	if (cp < 0 || hp < 0)
		return dl_fail(reason, DL_EXIT_USAGE, "unable to publish port "
			       "'%s': " SYNTAX, s);
	p->host_port = (uint16_t)hp;
	p->ctr_port = (uint16_t)cp;
	return 0;
}

void dl_port_string(const struct dl_port *p, char out[DL_PORT_STRLEN])
{
	char ip[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	snprintf(out, DL_PORT_STRLEN, "%s:%u:%u/%s", ip, p->host_port,
		 p->ctr_port, p->udp ? "udp" : "tcp");
}

int dl_port_bind(struct dl_port *p, int *fd, char **reason)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	char ip[INET_ADDRSTRLEN];
	_cleanup_close_ int s = -1;

	*reason = NULL;
	inet_ntop(AF_INET, &p->host_ip, ip, sizeof(ip));
	s = socket(AF_INET, (p->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC,
		   0);
	if (s < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "socket: %s",
			       strerror(errno));
	/* no SO_REUSEADDR: then no one else can bind the port, reusing or
	 * not; and no listen(): a connection that is not redirected to the
	 * container is refused, not queued */
	if (p->udp)
		(void)setsockopt(s, SOL_SOCKET, SO_RCVBUF, &(int){ 1 },
				 sizeof(int));
	sa.sin_addr = p->host_ip;
	sa.sin_port = htons(p->host_port);
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		if (errno == EADDRINUSE)
			return dl_fail(reason, DL_EXIT_CONFLICT, "port %s:%u/%s "
				       "is already in use", ip, p->host_port,
				       p->udp ? "udp" : "tcp");
		return dl_fail(reason, errno == EADDRNOTAVAIL ? DL_EXIT_USAGE
							       : DL_EXIT_FAIL,
			       "port %s:%u/%s: %s", ip, p->host_port,
			       p->udp ? "udp" : "tcp", strerror(errno));
	}
	if (getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		return dl_fail(reason, DL_EXIT_FAIL, "getsockname: %s",
			       strerror(errno));
	p->host_port = ntohs(sa.sin_port);
	*fd = dl_steal_fd(&s);
	return 0;
}

int dl_ports_save(const char *path, struct in_addr addr, const char *bridge,
		  const struct dl_port *p, size_t n)
{
	json_auto_t *arr = json_array(), *j = NULL;
	char a[INET_ADDRSTRLEN], ip[INET_ADDRSTRLEN];

	if (!arr)
		dl_oom();
	for (size_t i = 0; i < n; i++) {
		inet_ntop(AF_INET, &p[i].host_ip, ip, sizeof(ip));
		if (json_array_append_new(arr, json_pack(
			    "{s:s,s:i,s:i,s:s}", "HostIp", ip, "HostPort",
			    p[i].host_port, "ContainerPort", p[i].ctr_port,
			    "Protocol", p[i].udp ? "udp" : "tcp")) < 0)
			dl_oom();
	}
	inet_ntop(AF_INET, &addr, a, sizeof(a));
	j = json_pack("{s:s,s:s,s:O}", "Address", a, "Bridge", bridge, "Ports",
		      arr);
	if (!j)
		dl_oom();
	return dl_json_save_flags(path, j, DL_WRITE_NOSYNC);
}

int dl_ports_load(const char *path, struct in_addr *addr, char *bridge,
		  struct dl_port **p, size_t *n, char **reason)
{
	_cleanup_free_ char *why = NULL;
	json_auto_t *j = NULL;
	json_error_t e;
	json_t *arr, *v;
	const char *a, *b;
	size_t i;

	*reason = NULL;
	*p = NULL;
	*n = 0;
	j = dl_json_load(path, &why);
	if (!j)
		return dl_fail(reason, errno == ENOENT ? DL_EXIT_NO
						       : DL_EXIT_REJECT,
			       "%s", why);
	if (json_unpack_ex(j, &e, JSON_STRICT, "{s:s,s:s,s:o}", "Address", &a,
			   "Bridge", &b, "Ports", &arr) < 0 ||
	    inet_pton(AF_INET, a, addr) != 1 || !json_is_array(arr) ||
	    strlen(b) >= IF_NAMESIZE)
		return dl_fail(reason, DL_EXIT_REJECT, "%s: not a ports file",
			       path);
	*p = dl_xcalloc(json_array_size(arr) + 1, sizeof(**p));
	json_array_foreach(arr, i, v) {
		const char *ip, *proto;
		int hp, cp;
		struct dl_port *o = &(*p)[i];

		if (json_unpack_ex(v, &e, JSON_STRICT, "{s:s,s:i,s:i,s:s}",
				   "HostIp", &ip, "HostPort", &hp,
				   "ContainerPort", &cp, "Protocol",
				   &proto) < 0 ||
		    inet_pton(AF_INET, ip, &o->host_ip) != 1 || hp < 1 ||
		    hp > 65535 || cp < 1 || cp > 65535 ||
		    (strcmp(proto, "tcp") && strcmp(proto, "udp"))) {
			free(*p);
			*p = NULL;
			return dl_fail(reason, DL_EXIT_REJECT, "%s: port %zu "
				       "is damaged", path, i);
		}
		o->host_port = (uint16_t)hp;
		o->ctr_port = (uint16_t)cp;
		o->udp = !strcmp(proto, "udp");
	}
	*n = json_array_size(arr);
	if (bridge)
		memcpy(bridge, b, strlen(b) + 1);
	return 0;
}
