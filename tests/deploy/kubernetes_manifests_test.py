"""Structure check of deploy/kubernetes/*.yaml (kubectl cannot dry-run offline: it asks an API
server for the resource types even with --dry-run=client).

Checks every field against the subset of the Kubernetes schema the manifests use (a misspelt
field fails), the types of the values, and what qikan needs: an Indexed Job whose completion
count is the shard count its command passes as --shard $JOB_COMPLETION_INDEX/N, --jobs equal to
the CPU request, restartPolicy Never (for backoffLimitPerIndex), a merge Job on the same archive
and image, and both on the ReadWriteMany claim.

usage: kubernetes_manifests_test.py DEPLOY_DIR
"""
import os
import re
import sys

import yaml

STR, INT = str, int
QUANTITY = (str, int)
# Allowed fields per object kind; a value is a type, a schema dict, or [schema] for a list.
META = {"name": STR, "labels": dict}
RESOURCES = {"requests": {"cpu": QUANTITY, "memory": QUANTITY},
             "limits": {"cpu": QUANTITY, "memory": QUANTITY}}
CONTAINER = {"name": STR, "image": STR, "command": [STR], "args": [STR],
             "env": [{"name": STR, "value": STR}], "resources": RESOURCES,
             "volumeMounts": [{"name": STR, "mountPath": STR, "readOnly": bool}]}
POD_TEMPLATE = {"metadata": {"labels": dict},
                "spec": {"restartPolicy": STR, "terminationGracePeriodSeconds": INT,
                         "containers": [CONTAINER],
                         "volumes": [{"name": STR,
                                      "persistentVolumeClaim": {"claimName": STR}}]}}
JOB = {"apiVersion": STR, "kind": STR, "metadata": META,
       "spec": {"completionMode": STR, "completions": INT, "parallelism": INT,
                "backoffLimit": INT, "backoffLimitPerIndex": INT, "template": POD_TEMPLATE}}
PVC = {"apiVersion": STR, "kind": STR, "metadata": META,
       "spec": {"accessModes": [STR], "storageClassName": STR,
                "resources": {"requests": {"storage": QUANTITY}}}}
SCHEMAS = {("batch/v1", "Job"): JOB, ("v1", "PersistentVolumeClaim"): PVC}

failures = []


def check(ok, message):
    if not ok:
        failures.append(message)


def validate(value, schema, where):
    if isinstance(schema, dict):
        if not isinstance(value, dict):
            return check(False, f"{where}: expected a mapping, got {value!r}")
        for key, item in value.items():
            if key not in schema:
                check(False, f"{where}.{key}: not a field qikan's manifests should have")
            else:
                validate(item, schema[key], f"{where}.{key}")
    elif isinstance(schema, list):
        if not isinstance(value, list):
            return check(False, f"{where}: expected a list, got {value!r}")
        for i, item in enumerate(value):
            validate(item, schema[0], f"{where}[{i}]")
    else:
        ok = isinstance(value, schema) and not (schema is INT and isinstance(value, bool))
        check(ok, f"{where}: {value!r} is not {schema}")


def cpus(quantity):
    text = str(quantity)
    return int(text[:-1]) / 1000 if text.endswith("m") else float(text)


deploy = sys.argv[1]
objects = {}
for name in sorted(os.listdir(deploy)):
    if not name.endswith(".yaml"):
        continue
    with open(os.path.join(deploy, name), encoding="utf-8") as f:
        for doc in yaml.safe_load_all(f):
            schema = SCHEMAS.get((doc.get("apiVersion"), doc.get("kind")))
            check(schema is not None, f"{name}: unexpected {doc.get('apiVersion')} {doc.get('kind')}")
            if schema:
                validate(doc, schema, f"{name}:{doc['kind']}")
                objects[doc["metadata"]["name"]] = doc
print("objects:", ", ".join(f"{o['kind']}/{n}" for n, o in objects.items()))

pvc, shards, merge = objects["qikan-data"], objects["qikan-shards"], objects["qikan-merge"]
check("ReadWriteMany" in pvc["spec"]["accessModes"], "the claim is not ReadWriteMany")

spec = shards["spec"]
check(spec.get("completionMode") == "Indexed", "the shards' Job is not Indexed")
pod = spec["template"]["spec"]
check(pod["restartPolicy"] == "Never", "backoffLimitPerIndex needs restartPolicy Never")
container = pod["containers"][0]
env = {e["name"]: e["value"] for e in container.get("env", [])}
script = " ".join(container["command"] + container.get("args", []))
shard = re.search(r'--shard "?\$JOB_COMPLETION_INDEX/\$(\w+)"?', script)
check(shard is not None, f"the command does not pass --shard $JOB_COMPLETION_INDEX/N: {script}")
if shard:
    check(env.get(shard.group(1)) == str(spec["completions"]),
          f"{shard.group(1)}={env.get(shard.group(1))} but completions={spec['completions']}")
jobs = re.search(r'--jobs "?\$(\w+)"?', script)
check(jobs is not None, "the command does not pass --jobs")
if jobs:
    check(float(env.get(jobs.group(1), "0")) == cpus(container["resources"]["requests"]["cpu"]),
          "--jobs differs from the CPU request")
check(env.get("OMP_THREAD_LIMIT") == "1", "OMP_THREAD_LIMIT=1 is not set")
archive = re.search(r"--archive (\S+)", script)
run_inbox = re.search(r"\brun (\S+)", script)

merge_container = merge["spec"]["template"]["spec"]["containers"][0]
merge_command = merge_container["command"]
check("merge" in merge_command, f"the merge Job does not run qikan merge: {merge_command}")
if archive and "--archive" in merge_command:
    check(merge_command[merge_command.index("--archive") + 1] == archive.group(1),
          "the merge Job merges another archive")
check(merge_container["image"] == container["image"], "the Jobs run different images")

for job in (shards, merge):
    pod_spec = job["spec"]["template"]["spec"]
    claims = {v["name"]: v["persistentVolumeClaim"]["claimName"] for v in pod_spec["volumes"]}
    mounts = pod_spec["containers"][0]["volumeMounts"]
    check(any(claims.get(m["name"]) == "qikan-data" for m in mounts),
          f"{job['metadata']['name']} does not mount qikan-data")
    for path in filter(None, [archive and archive.group(1), run_inbox and run_inbox.group(1)]):
        check(any(path.startswith(m["mountPath"].rstrip("/") + "/") for m in mounts),
              f"{job['metadata']['name']}: {path} is not on the shared volume")

for failure in failures:
    print("FAIL:", failure, file=sys.stderr)
print("ok" if not failures else f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
