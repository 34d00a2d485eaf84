#!/usr/bin/env python3
"""genlab.py N DIR - writes a synthetic lab with N services that validates clean.

DIR/vosctl.yaml, DIR/services.md (seed 000's form: Wiki.js front matter, planes, one table per
host, the six placement rules, Related links) and DIR/inventory/ (network.yaml, services-NNN.yaml
in chunks of 5,000 services, rules.yaml encoding the six rules). Every address is loopback. The
output depends only on N (no randomness beyond a fixed seed)."""
import os
import random
import sys

PER_HOST = 25          # services per generic host
CHUNK = 5000           # services per inventory file

# the six hosts of seed 000 and what they may hold
SPECIAL = [
    # name, plane, page section, role, traits, vlan, classes
    ("skynet", "control", None, None, ["routing"], "servers", ["router", "ui", "search", "rag"]),
    ("deep-thought", "data", "Data Plane", "Databases", ["databases"], "servers", ["database", "cache"]),
    ("alexandria", "data", "Data Plane", "Storage", ["storage"], "storage", ["storage"]),
    ("watson", "compute", "Compute Plane", "GPU Inference", ["gpu"], "servers", ["inference"]),
    ("mothership", "compute", "Compute Plane", "Containers", ["containers"], "servers", ["proxy", "identity"]),
    ("napster", "compute", "Compute Plane", "Media", ["media"], "media", ["media"]),
]
GENERIC_CLASSES = ["ui", "docs", "git", "search", "automation", "proxy", "router"]
VLANS = [("mgmt", 1), ("servers", 10), ("storage", 20), ("media", 30), ("apps", 40)]


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: genlab.py N DIR\n")
        return 2
    n = int(sys.argv[1])
    out = sys.argv[2]
    rnd = random.Random(n)
    os.makedirs(os.path.join(out, "inventory"), exist_ok=True)

    # hosts: the six special ones take a share each, the rest go to generic app hosts
    hosts = []  # dicts
    vlan_count = {}

    def add_host(name, plane, section, role, traits, vlan, classes):
        i = vlan_count.get(vlan, 0)
        vlan_count[vlan] = i + 1
        octet2 = dict(VLANS)[vlan]
        addr = "127.%d.%d.%d" % (octet2, i // 250, i % 250 + 1)
        hosts.append(dict(name=name, plane=plane, section=section, role=role, traits=traits,
                          vlan=vlan, classes=classes, addr=addr, services=[]))

    for h in SPECIAL:
        add_host(*h)
    n_special = max(len(SPECIAL), n // 10)
    n_generic = max(1, (n - n_special + PER_HOST - 1) // PER_HOST)
    for g in range(n_generic):
        add_host("node-%05d" % g, "compute", "Compute Plane", "Apps", ["containers"], "apps",
                 GENERIC_CLASSES)

    # services
    services = []
    for i in range(n):
        if i < n_special:
            h = hosts[i % len(SPECIAL)]
        else:
            h = hosts[len(SPECIAL) + (i - n_special) // PER_HOST]
        cls = h["classes"][i % len(h["classes"])]
        traits = []
        if cls == "inference":
            traits = ["ai", "heavy-compute", "gpu-inference"]
        elif cls in ("database", "cache", "storage", "media"):
            traits = ["stateful"]
        elif cls in ("router", "rag"):
            traits = ["ai"]
        sid = "svc-%06d" % i
        port = 10000 + len(h["services"]) * 2
        deps = []
        if h["services"] and rnd.random() < 0.5:
            deps.append(h["services"][rnd.randrange(len(h["services"]))]["id"])
        s = dict(id=sid, name="Service %06d" % i, host=h, cls=cls, traits=traits,
                 purpose="%s service number %d" % (cls.capitalize(), i), port=port, deps=deps)
        h["services"].append(s)
        services.append(s)

    # ------------------------------------------------------------------ the page
    lines = ["---", "title: VOS Services", "description: Authoritative service assignments - what runs where",
             "published: true", "date: 2025-12-29T12:30:00.000Z", "tags: vos, services, authoritative",
             "editor: markdown", "dateCreated: 2025-12-29T12:30:00.000Z", "---", "",
             "# VOS Services", "",
             "Authoritative service placement. If it's not here, it doesn't exist.", ""]

    def table(h):
        lines.append("| Service | IP | Purpose |")
        lines.append("|---------|-----|---------|")
        for k, s in enumerate(h["services"]):
            ip = "<LAN_IP>" if k % 17 == 16 else h["addr"]
            lines.append("| %s | %s | %s |" % (s["name"], ip, s["purpose"]))
        lines.append("")

    sky = hosts[0]
    lines += ["## Control Plane (skynet)", "", "AI orchestration and routing. No heavy inference.", ""]
    table(sky)
    current = None
    for h in hosts[1:]:
        if h["section"] != current:
            current = h["section"]
            lines += ["## " + current, ""]
        lines += ["### %s (%s)" % (h["name"], h["role"]), ""]
        table(h)
    lines += ["## Placement Rules", "",
              "1. **skynet** routes, never computes heavy loads",
              "2. **watson** handles all GPU inference",
              "3. **mothership** runs stateless containers",
              "4. **deep-thought** owns all databases",
              "5. **napster** is media-only",
              "6. **alexandria** is storage-only", "",
              "## Related", "", "- [[vos/README]]", "- [[vos/authority]]", "- [[homelab/network/ip-plan]]", ""]
    with open(os.path.join(out, "services.md"), "w") as f:
        f.write("\n".join(lines))

    # ------------------------------------------------------------------ inventory
    inv = os.path.join(out, "inventory")
    with open(os.path.join(inv, "network.yaml"), "w") as f:
        f.write("lab: synthetic-%d\nvlans:\n" % n)
        for name, o in VLANS:
            f.write("  - {name: %s, cidr: 127.%d.0.0/16, id: %d}\n" % (name, o, o))
        f.write("hosts:\n")
        for h in hosts:
            f.write("  - name: %s\n    plane: %s\n    address: %s\n    vlan: %s\n    traits: [%s]\n"
                    % (h["name"], h["plane"], h["addr"], h["vlan"], ", ".join(h["traits"])))
            if h["role"]:
                f.write("    role: %s\n" % h["role"])
    for c in range(0, n, CHUNK):
        with open(os.path.join(inv, "services-%03d.yaml" % (c // CHUNK)), "w") as f:
            f.write("services:\n")
            for s in services[c:c + CHUNK]:
                f.write("  - id: %s\n    name: %s\n    host: %s\n    class: %s\n"
                        % (s["id"], s["name"], s["host"]["name"], s["cls"]))
                if s["traits"]:
                    f.write("    traits: [%s]\n" % ", ".join(s["traits"]))
                f.write("    purpose: %s\n" % s["purpose"])
                f.write("    ports:\n      - {port: %d, check: http, path: /health, status: 200}\n"
                        "      - {port: %d, check: tcp, name: admin}\n" % (s["port"], s["port"] + 1))
                f.write("    launch:\n      kind: systemd\n      unit: /etc/systemd/system/%s.service\n"
                        "      scope: system\n      restart: always\n      restart_sec: 3\n"
                        "      exec: /usr/bin/%s --port %d\n" % (s["id"], s["id"], s["port"]))
                f.write("    logs: [journald]\n")
                if s["deps"]:
                    f.write("    depends_on: [%s]\n" % ", ".join(s["deps"]))
                f.write("    exposure: [%s]\n    admin_via: [mgmt]\n" % s["host"]["vlan"])
    # the generic hosts' role is the lab's own word (the default vocabulary has no "Apps")
    with open(os.path.join(inv, "vocabulary.yaml"), "w") as f:
        f.write("vocabulary:\n  roles:\n    Apps: runs the lab's general applications\n")
    with open(os.path.join(inv, "rules.yaml"), "w") as f:
        f.write("""rules:
  - id: skynet-routes-only
    page_rule: 1
    text: skynet routes, never computes heavy loads
    assert: never-trait-on-host
    hosts: [skynet]
    traits: [heavy-compute, gpu-inference]
  - id: watson-gpu-inference
    page_rule: 2
    text: watson handles all GPU inference
    assert: only-on-host
    select: {traits: [gpu-inference]}
    hosts: [watson]
  - id: mothership-stateless
    page_rule: 3
    text: mothership runs stateless containers
    assert: never-trait-on-host
    hosts: [mothership]
    traits: [stateful]
  - id: deep-thought-databases
    page_rule: 4
    text: deep-thought owns all databases
    assert: only-on-host
    select: {classes: [database, cache]}
    hosts: [deep-thought]
  - id: napster-media-only
    page_rule: 5
    text: napster is media-only
    assert: host-holds-only-class
    hosts: [napster]
    classes: [media]
  - id: alexandria-storage-only
    page_rule: 6
    text: alexandria is storage-only
    assert: host-holds-only-class
    hosts: [alexandria]
    classes: [storage]
""")
    with open(os.path.join(out, "vosctl.yaml"), "w") as f:
        f.write("page: services.md\ninventory: inventory\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
