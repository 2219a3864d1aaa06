from __future__ import annotations

import socket
import time
import urllib.request
from urllib.parse import urlparse


def test_server_survives_clients_that_hang_up_mid_response(live_server):
    """A browser leaving a page while a large layer downloads must not take the server down.

    Each client reads the first bytes of a 2.6 MB response and closes; the server's next
    writes then fail with EPIPE, which used to kill the process through SIGPIPE.
    """
    url = urlparse(live_server)
    for _ in range(5):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # the server cannot send it all at once
        sock.settimeout(10)
        sock.connect((url.hostname, url.port))
        sock.sendall(b"GET /data/layers/counties/z11+.geojson HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert sock.recv(64).startswith(b"HTTP/1.1 200")
        for _ in range(20):  # drain what has arrived, so the close is a clean FIN, not a reset
            sock.recv(65536)
        sock.close()
        time.sleep(0.2)
    with urllib.request.urlopen(f"{live_server}/healthz", timeout=10) as response:
        assert response.status == 200


def test_gdal_ogc_api_client_reads_every_collection(live_server):
    """GDAL's OAPIF driver (what QGIS uses for OGC API - Features) lists and reads the layers."""
    import pyogrio

    from layers import catalogue, features

    source = f"OAPIF:{live_server}/ogc/"
    listed = {name for name, _ in pyogrio.list_layers(source)}
    assert listed == set(catalogue.catalogue())
    counties = pyogrio.read_dataframe(source, layer="counties")
    assert len(counties) == 103 and counties.crs.equals("OGC:CRS84")  # the storage CRS the collection declares
    assert "武昌区" in set(counties["name_zh"])
    computing = pyogrio.read_dataframe(source, layer="computing")
    assert len(computing) == len(features.layer_data("computing"))
