#!/bin/sh
# Re-records the *-save.txt fixtures from the real iptables-nft-restore/iptables-nft-save (1.8.9 here),
# each inside a throwaway network namespace. Needs root, unshare, iptables-nft, nfacct and ipset
# (apt-get install iptables nfacct ipset). Run from this directory: sh record.sh
set -eu
conformance=../../../../shared/conformance/kube-proxy
prepare='nfacct add ct_state_invalid_dropped_pkts >/dev/null; nfacct add localhost_nps_accepted_pkts >/dev/null;
for s in KUBE-CLUSTER-IP KUBE-LOAD-BALANCER KUBE-IPVS-IPS; do ipset create $s hash:ip,port; done;
ipset create KUBE-LOOP-BACK hash:ip,port,ip'
save='iptables-nft-save | grep -v "^#"'
unshare --net sh -c "$prepare; iptables-nft-restore < corpus-restore.txt; $save" > corpus-save.txt
for case in overall-iptables-rules sync-proxy-rules-repeated; do
  unshare --net sh -c "$prepare; iptables-nft-restore < $conformance/$case/expected-iptables.txt; $save" \
    > "$case-save.txt"
done
# The partial syncs only make sense in sequence, each with --noflush as kube-proxy runs them.
steps=""
for n in 01 02 03 04 05 06 07 08 10; do
  steps="$steps iptables-nft-restore --noflush < $conformance/sync-proxy-rules-repeated/step$n-expected-iptables.txt;"
  steps="$steps $save > sync-proxy-rules-repeated-step$n-save.txt;"
done
unshare --net sh -c "$prepare; $steps"
