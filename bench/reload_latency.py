#!/usr/bin/env python3
"""Measure save-to-reload latency of a running `incidex serve`: listen on the event stream
as the open page PAGE does (`/__incidex/events?page=PAGE`), append a line to its postmortem,
and time until the `reload` event arrives. Then fetch the page and fail unless it shows the
new line (the reload must bring the new text, not just arrive early). Repeats N times (2 s
apart, so edits are not folded together) and prints every sample, the median and max.

usage: bench/reload_latency.py HOST:PORT FILE PAGE [N]   (default 20)
"""
import socket
import statistics
import sys
import time
import urllib.parse
import urllib.request


def main():
    host, port = sys.argv[1].rsplit(":", 1)
    path = sys.argv[2]
    page = sys.argv[3]
    n = int(sys.argv[4]) if len(sys.argv) > 4 else 20
    s = socket.create_connection((host, int(port)), timeout=30)
    query = urllib.parse.quote(page, safe="")
    s.sendall(f"GET /__incidex/events?page={query} HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
    buf = b""

    def wait_for(needle):
        nonlocal buf
        while needle not in buf:
            chunk = s.recv(65536)
            if not chunk:
                sys.exit("event stream closed")
            buf += chunk
        buf = buf[buf.index(needle) + len(needle):]

    wait_for(b"event: hello")
    samples = []
    for i in range(n):
        time.sleep(2)
        buf = b""
        t0 = time.perf_counter()
        with open(path, "a") as f:
            f.write(f"\nEdit {i} for the reload benchmark.\n")
        wait_for(b"event: reload")
        samples.append((time.perf_counter() - t0) * 1000)
        with urllib.request.urlopen(f"http://{host}:{port}{page}", timeout=30) as r:
            html = r.read().decode("utf-8", "replace")
        if f"Edit {i} for the reload benchmark." not in html:
            sys.exit(f"edit {i}: the page did not show the new text after the reload event")
    print("samples_ms", " ".join(f"{x:.1f}" for x in samples))
    print(f"median_ms {statistics.median(samples):.1f}  max_ms {max(samples):.1f}  n {n}")


if __name__ == "__main__":
    main()
