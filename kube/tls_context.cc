// placeholder: being written (TLS setup split out of client.cc)
