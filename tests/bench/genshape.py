#!/usr/bin/env python3
"""genshape.py N DIR - a synthetic lab of N services shaped as people write inventories.

Written from issue 11's description, independently of genlab.py:
- hosts of 40 services each (the last one may hold fewer);
- 9 inventory files: 00-network.yaml (lab, VLANs, hosts), six service files (whole hosts each,
  dealt round-robin), 90-rules.yaml (two placement rules the page lists), 95-vocabulary.yaml (its roles);
- in every service file, each host's first service is anchored (&h-NNNN) and carries the host's
  shared keys (host, class, exposure, admin_via) with its `launch` and `logs` anchored too; every
  other service of the host takes them through a merge key (`<<: *h-NNNN`) and names its `launch`
  and `logs` with aliases (`launch: *l-NNNN`), explicit keys winning over merged ones;
- 0-2 `depends_on` per service, each an earlier service (any file);
- the page's tables use the header "Name | Address | Description"; 30% of the rows hold the
  placeholder `<LAN_IP>` instead of the host's address.
The lab validates clean; every address is loopback; the output depends only on N."""
import os
import random
import sys

PER_HOST = 40
SERVICE_FILES = 6
# plane, page section, role, vlan, octet, classes the hosts of this kind hold
KINDS = [
    ("data", "Data Plane", "Databases", "db", 21, ["database", "cache"]),
    ("compute", "Compute Plane", "Apps", "apps", 22, ["ui", "docs", "git", "search", "automation"]),
    ("compute", "Compute Plane", "Edge", "edge", 23, ["proxy", "identity", "router"]),
]


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: genshape.py N DIR\n")
        return 2
    n = int(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(7919 * n + 11)
    inv = os.path.join(out, "inventory")
    os.makedirs(inv, exist_ok=True)

    nhosts = max(1, (n + PER_HOST - 1) // PER_HOST)
    hosts = []
    per_kind = {}
    for h in range(nhosts):
        kind = KINDS[0] if h % 5 == 0 else KINDS[1] if h % 5 in (1, 2, 3) else KINDS[2]
        k = per_kind.get(kind[3], 0)
        per_kind[kind[3]] = k + 1
        hosts.append(dict(name="rack%02d-node%04d" % (h // 100, h), idx=h, plane=kind[0],
                          section=kind[1], role=kind[2], vlan=kind[3],
                          addr="127.%d.%d.%d" % (kind[4], k // 200, k % 200 + 10),
                          classes=kind[5], services=[]))

    services = []
    for i in range(n):
        h = hosts[i // PER_HOST]
        j = len(h["services"])
        cls = h["classes"][j % len(h["classes"])] if j else h["classes"][0]
        deps = []
        if services:
            for _ in range(rnd.choice((0, 1, 1, 2))):
                d = services[max(0, len(services) - 1 - rnd.randrange(min(len(services), 600)))]["id"]
                if d not in deps:
                    deps.append(d)
        s = dict(id="%s-app%02d" % (h["name"], j), name="App %d.%02d" % (h["idx"], j), host=h,
                 cls=cls, port=20000 + 3 * j, deps=deps, placeholder=rnd.random() < 0.30,
                 purpose="%s for team %d" % (cls.capitalize(), (i * 7) % 53))
        h["services"].append(s)
        services.append(s)

    # ---------------------------------------------------------------- inventory
    with open(os.path.join(inv, "00-network.yaml"), "w") as f:
        f.write("# the lab's networks and machines\nlab: shape-%d\nvlans:\n" % n)
        for kind in KINDS:
            f.write("  - name: %s\n    cidr: 127.%d.0.0/16\n    id: %d\n" % (kind[3], kind[4], kind[4]))
        f.write("  - {name: mgmt, cidr: 127.99.0.0/16, id: 99}\n")
        f.write("hosts:\n")
        for h in hosts:
            f.write("  - name: %s\n    plane: %s\n    role: %s\n    address: %s\n    vlan: %s\n"
                    "    traits: [%s]\n" % (h["name"], h["plane"], h["role"], h["addr"], h["vlan"],
                                          "databases" if h["plane"] == "data" else "containers"))

    for fno in range(SERVICE_FILES):
        chunk = hosts[fno::SERVICE_FILES]
        with open(os.path.join(inv, "%02d-services.yaml" % (fno + 10)), "w") as f:
            f.write("# services, host by host; each host's first service holds what the others share\n")
            f.write("services:\n" if chunk else "services: []\n")
            for h in chunk:
                tag = "%04d" % h["idx"]
                for j, s in enumerate(h["services"]):
                    if j == 0:
                        f.write("  - &h-%s\n    id: %s\n    name: %s\n    host: %s\n    class: %s\n"
                                % (tag, s["id"], s["name"], h["name"], s["cls"]))
                        f.write("    exposure: [%s]\n    admin_via: [mgmt]\n" % h["vlan"])
                        f.write("    launch: &l-%s\n      kind: container\n      scope: system\n"
                                "      restart: unless-stopped\n      restart_sec: 5\n"
                                "      exec: /usr/bin/podman run --rm --name %s registry.lab/app\n"
                                % (tag, h["name"]))
                        f.write("    logs: &g-%s [journald, /var/log/%s/app.log]\n" % (tag, h["name"]))
                    else:
                        f.write("  - <<: *h-%s\n    id: %s\n    name: %s\n" % (tag, s["id"], s["name"]))
                        if s["cls"] != h["services"][0]["cls"]:
                            f.write("    class: %s\n" % s["cls"])
                        f.write("    launch: *l-%s\n    logs: *g-%s\n" % (tag, tag))
                    if s["cls"] in ("database", "cache"):
                        f.write("    traits: [stateful]\n")
                    f.write("    purpose: %s\n" % s["purpose"])
                    f.write("    ports:\n      - {port: %d, check: http, path: /healthz}\n" % s["port"])
                    if j % 3 == 0:
                        f.write("      - {port: %d, name: metrics}\n" % (s["port"] + 1))
                    if s["deps"]:
                        if len(s["deps"]) == 1:
                            f.write("    depends_on: [%s]\n" % s["deps"][0])
                        else:
                            f.write("    depends_on:\n" + "".join("      - %s\n" % d for d in s["deps"]))

    # the lab's own roles (the default vocabulary has neither)
    with open(os.path.join(inv, "95-vocabulary.yaml"), "w") as f:
        f.write("vocabulary:\n  roles:\n    Apps: runs the lab's general applications\n"
                "    Edge: the lab's edge (proxies, identity, routers)\n")
    with open(os.path.join(inv, "90-rules.yaml"), "w") as f:
        f.write("""rules:
  - id: databases-on-data-hosts
    page_rule: 1
    text: databases live on data hosts
    assert: only-on-host
    select: {classes: [database]}
    hosts: [%s]
  - id: edge-holds-no-state
    page_rule: 2
    text: edge hosts hold no state
    assert: never-trait-on-host
    hosts: [%s]
    traits: [stateful]
""" % (", ".join(h["name"] for h in hosts if h["plane"] == "data"),
       ", ".join(h["name"] for h in hosts if h["role"] == "Edge") or hosts[0]["name"]))

    # ---------------------------------------------------------------- the page
    lines = ["---", "title: Lab services", "description: What runs where", "published: true",
             "date: 2026-01-05T09:00:00.000Z", "tags: lab, services", "editor: markdown",
             "dateCreated: 2026-01-05T09:00:00.000Z", "---", "", "# Lab services", "",
             "Every service of the lab, by host. If it is not here, it does not run.", ""]
    section = None
    for h in sorted(hosts, key=lambda x: (x["section"], x["idx"])):
        if h["section"] != section:
            section = h["section"]
            lines += ["## " + section, ""]
        lines += ["### %s (%s)" % (h["name"], h["role"]), "",
                  "| Name | Address | Description |", "|------|---------|-------------|"]
        for s in h["services"]:
            lines.append("| %s | %s | %s |" % (s["name"], "<LAN_IP>" if s["placeholder"] else h["addr"],
                                              s["purpose"]))
        lines.append("")
    lines += ["## Placement Rules", "", "1. databases live on data hosts", "2. edge hosts hold no state",
              ""]
    with open(os.path.join(out, "services.md"), "w") as f:
        f.write("\n".join(lines))
    with open(os.path.join(out, "vosctl.yaml"), "w") as f:
        f.write("page: services.md\ninventory: inventory\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
