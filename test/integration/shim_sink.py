"""Discard server for the shim tests: accepts any number of TCP connections
on ADDR PORT and reads them until they close."""
import socket, sys, threading

def drain(c):
    while c.recv(262144):
        pass
    c.close()

s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((sys.argv[1], int(sys.argv[2])))
s.listen(16)
while True:
    c, _ = s.accept()
    threading.Thread(target=drain, args=(c,), daemon=True).start()
