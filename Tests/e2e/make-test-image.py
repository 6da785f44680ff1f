#!/usr/bin/env python3
"""Writes a small docker-archive image (the `docker save` format skopeo reads) with one layer of
SIZE_KB random bytes, so tests can push distinct images without any image registry.
Usage: make-test-image.py OUT.tar SIZE_KB NAME:TAG"""
import hashlib, io, json, os, sys, tarfile, time

out, size_kb, ref = sys.argv[1], int(sys.argv[2]), sys.argv[3]
layer = io.BytesIO()
with tarfile.open(fileobj=layer, mode='w', format=tarfile.USTAR_FORMAT) as t:
    data = os.urandom(size_kb * 1024)
    info = tarfile.TarInfo('payload.bin'); info.size = len(data); info.mtime = int(time.time())
    t.addfile(info, io.BytesIO(data))
layer_bytes = layer.getvalue()
diff_id = 'sha256:' + hashlib.sha256(layer_bytes).hexdigest()
config = json.dumps({
    'architecture': 'amd64', 'os': 'linux', 'created': time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime()),
    'config': {'Cmd': ['/payload.bin']},
    'rootfs': {'type': 'layers', 'diff_ids': [diff_id]},
    'history': [{'created_by': 'make-test-image.py'}],
}).encode()
config_name = hashlib.sha256(config).hexdigest() + '.json'
layer_name = diff_id[7:] + '/layer.tar'
manifest = json.dumps([{'Config': config_name, 'RepoTags': [ref], 'Layers': [layer_name]}]).encode()
with tarfile.open(out, 'w') as t:
    for name, content in ((config_name, config), (layer_name, layer_bytes), ('manifest.json', manifest)):
        info = tarfile.TarInfo(name); info.size = len(content); info.mtime = int(time.time())
        t.addfile(info, io.BytesIO(content))
