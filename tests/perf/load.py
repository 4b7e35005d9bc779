"""HTTP load for the inbox benchmark, with no Django: `python -m tests.perf.load PORT PATH TOKEN THREADS SECONDS
START_AT` runs THREADS clients, each on its own keep-alive connection (http.client reconnects when the server
closes), from the wall time START_AT for SECONDS, and prints the latencies in ms (JSON; a failed request counts with the time it took) and the failures."""

import http.client
import json
import sys
import threading
import time


def client(port, path, token, until, latencies, failures):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Authorization": f"Token {token}", "Accept": "application/json", "Connection": "keep-alive"}
    while time.time() < until:
        start = time.perf_counter()
        try:
            connection.request("GET", path, headers=headers)
            response = connection.getresponse()
            response.read()
            if response.status != 200:
                failures.append(response.status)
        except (OSError, http.client.HTTPException) as error:
            failures.append(type(error).__name__)
            connection.close()
        # A failed request (a timeout) counts with the time it took: the percentiles never look better for it.
        latencies.append((time.perf_counter() - start) * 1000)


def main():
    port, path, token, threads, seconds, start_at = sys.argv[1:7]
    start_at = float(start_at)
    until = start_at + float(seconds)
    latencies, failures = [], []
    workers = [threading.Thread(target=client, args=(int(port), path, token, until, latencies, failures))
               for _ in range(int(threads))]
    time.sleep(max(0.0, start_at - time.time()))
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    print(json.dumps({"latencies": latencies, "failures": failures[:20], "failed": len(failures)}))


if __name__ == "__main__":
    main()
