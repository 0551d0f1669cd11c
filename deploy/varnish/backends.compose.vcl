# The backends of deploy/compose.yaml, mounted there as backends.vcl (service names resolve in
# its network). `make stack`
# writes its own beside its state (deploy/stack.sh) with 127.0.0.1 ports.
backend app {
    .host = "app";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
    # Sick only when most probes fail (the database is down): an app busy rendering answers
    # its probe late, and a late probe must not turn every cache miss into an error. While the
    # app answers 5xx and the probe has not yet noticed, readers get the last good copy anyway.
    .probe = {
        .request = "GET /healthz/ HTTP/1.1" "Host: localhost" "Connection: close";
        .interval = 2s;
        .timeout = 5s;
        .window = 5;
        .threshold = 2;
        .initial = 2;
    }
}

backend files {
    .host = "files";
    .port = "80";
}

# Who may purge: the app's network (compose's default bridge network).
acl purgers {
    "127.0.0.1";
    "::1";
    "172.16.0.0"/12;
    "10.0.0.0"/8;
}
