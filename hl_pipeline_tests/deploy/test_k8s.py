"""The Kubernetes side offline: every manifest of deploy/k8s passes kubernetes-validate (strict), and
the Helm values name only the secrets, volumes and images those manifests provide. Helm is not
installable here, so the chart itself is not rendered."""

import pytest
import yaml

from hl_pipeline_tests.deploy.paths import DEPLOY

K8S_VERSION = "1.33.0"


def _documents() -> list[dict]:
    return [
        d for f in sorted((DEPLOY / "k8s").glob("*.yaml")) for d in yaml.safe_load_all(f.read_text()) if d
    ]


def test_every_manifest_validates_strictly():
    import kubernetes_validate

    docs = _documents()
    assert {(d["kind"], d["metadata"]["name"]) for d in docs} >= {
        ("StatefulSet", "hl-collector"),
        ("Deployment", "hl-celery-workers"),
        ("Deployment", "hl-exporter"),
        ("StatefulSet", "hl-redis"),
        ("PersistentVolumeClaim", "hl-data"),
    }
    for doc in docs:
        kubernetes_validate.validate(doc, K8S_VERSION, strict=True)


def test_validation_rejects_a_malformed_manifest():
    import kubernetes_validate

    worker = next(d for d in _documents() if d["metadata"]["name"] == "hl-celery-workers")
    worker["spec"]["template"]["spec"]["containers"][0]["resources"]["limits"]["cpu"] = {"cores": 1}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(worker, K8S_VERSION, strict=True)
    worker["spec"]["replicas"] = "two"
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(worker, K8S_VERSION, strict=True)


def test_the_values_use_what_the_manifests_provide():
    values = yaml.safe_load((DEPLOY / "helm" / "values.yaml").read_text())
    docs = _documents()
    secrets = {d["metadata"]["name"] for d in docs if d["kind"] == "Secret"}
    claims = {d["metadata"]["name"] for d in docs if d["kind"] == "PersistentVolumeClaim"}
    code = values["dagster-user-deployments"]["deployments"][0]
    launcher = values["runLauncher"]["config"]["k8sRunLauncher"]
    named = [
        s["name"] for s in code["envSecrets"] + launcher["envSecrets"] + values["dagsterDaemon"]["envSecrets"]
    ]
    assert set(named) <= secrets and values["global"]["postgresqlSecretName"] in secrets
    assert {v["persistentVolumeClaim"]["claimName"] for v in code["volumes"] + launcher["volumes"]} <= claims
    image = f"{code['image']['repository']}:{code['image']['tag']}"
    pods = [d["spec"]["template"]["spec"] for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    ours = [c["image"] for p in pods for c in p["containers"] if "hl-pipeline" in c["image"]]
    assert ours and set(ours) == {image}
    assert values["postgresql"]["postgresqlScheme"] == "postgresql+psycopg2"  # SQLAlchemy 2.1 trap
    # Dagster 1.13 refuses run limits both under the run coordinator and under concurrency
    assert (
        "maxConcurrentRuns" not in values["dagsterDaemon"]["runCoordinator"]["config"]["queuedRunCoordinator"]
    )
    collector = next(d for d in docs if d["metadata"]["name"] == "hl-collector")
    env = {e["name"]: e["value"] for e in collector["spec"]["template"]["spec"]["containers"][0]["env"]}
    assert int(env["HL_COLLECTOR_SHARDS"]) == collector["spec"]["replicas"]
