# Writes a fleet's status and member documents as files, for the fleet page's
# tests and the README's screenshot: realistic nodes (clients' sync figures,
# versions, reasons as the agent words them). Usage: fleet-nodes.py DIR SET
# DIR/<host>.status and DIR/<host>.member; SET "test" or "readme".
import datetime
import json
import sys

out, which = sys.argv[1], sys.argv[2]
now = datetime.datetime.now(datetime.timezone.utc)


def at(sec_ago):
    return (now - datetime.timedelta(seconds=sec_ago)).strftime("%Y-%m-%dT%H:%M:%SZ")


def el(client, version, block, syncing=False, highest=None, peers=50):
    c = {"client": client, "reachable": True, "syncing": syncing, "currentBlock": block, "peers": peers,
         "version": version, "chainId": 1}
    if syncing:
        c["highestBlock"] = highest
    return c


def cl(client, version, slot, dist=0, optimistic=False, peers=80):
    return {"client": client, "reachable": True, "syncing": dist >= 60, "headSlot": slot, "syncDistance": dist,
            "optimistic": optimistic, "elOffline": False, "peers": peers, "version": version}


GETH = "Geth/v1.14.11-stable/linux-amd64/go1.22.5"
NETH = "Nethermind/v1.29.1+dcf7b8a5/linux-x64/dotnet8.0.10"
LH = "Lighthouse/v5.3.0-d6ba8c3/x86_64-linux"
NIMBUS = "Nimbus/v24.10.0-c4d1e4-stateofus"
SLOT, BLOCK = 10311210, 21187730

nodes = {
    "fs-alpha": ("operational", [], [el("geth", GETH, BLOCK)], [cl("lighthouse", LH, SLOT)], 8),
    "fs-bravo": ("degraded", ["geth is syncing: block 20911000 of 21187730", "lighthouse is optimistic"],
                 [el("geth", GETH, 20911000, True, BLOCK, 31)], [cl("lighthouse", LH, SLOT, 0, True)], 20),
    "fs-charlie": ("operational", [], [el("nethermind", NETH, BLOCK)], [cl("nimbus", NIMBUS, SLOT)], 5),
}
if which == "readme":
    nodes = {
        "ethnode-helsinki": nodes["fs-alpha"],
        "ethnode-espoo": ("operational", [], [el("nethermind", NETH, BLOCK)], [cl("nimbus", NIMBUS, SLOT)], 14),
        "ethnode-tampere": ("degraded", ["geth is syncing: block 20911000 of 21187730", "lighthouse is optimistic"],
                            [el("geth", GETH, 20911000, True, BLOCK, 31)], [cl("lighthouse", LH, SLOT, 0, True)], 20),
        "ethnode-oulu": nodes["fs-charlie"],
        "ethnode-turku": ("operational", [], [el("geth", GETH, BLOCK)], [cl("lighthouse", LH, SLOT - 1)], 41),
        "ethnode-lahti": ("degraded", ["/mnt/geth: 6% free (below 10%)"], [el("geth", GETH, BLOCK)],
                          [cl("lighthouse", LH, SLOT)], 3),
    }

for host, (state, reasons, ex, co, ago) in nodes.items():
    status = {"schema": "hsos.status/1", "generatedAt": at(ago), "hostname": host, "network": "mainnet",
              "state": state, "reasons": reasons, "agent": {"version": "0.9.0"},
              "execution": ex, "consensus": co}
    member = {"schema": "hsos.member/1", "hostname": host, "machineId": "%032x" % abs(hash(host)), "state": state,
              "reasons": reasons, "agentVersion": "0.9.0", "lastSeen": at(ago), "execution": ex, "consensus": co}
    json.dump(status, open("%s/%s.status" % (out, host), "w"))
    json.dump(member, open("%s/%s.member" % (out, host), "w"))
if which == "readme":
    # One that went away 14 minutes ago: a member without a status.
    member = {"schema": "hsos.member/1", "hostname": "ethnode-vaasa", "machineId": "9" * 32, "state": "degraded",
              "reasons": ["lighthouse has 0 peers"], "agentVersion": "0.9.0", "lastSeen": at(14 * 60),
              "execution": [el("geth", GETH, BLOCK - 70)], "consensus": [cl("lighthouse", LH, SLOT - 70, 0, False, 0)]}
    json.dump(member, open("%s/ethnode-vaasa.member-only" % out, "w"))
