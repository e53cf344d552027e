/**
 * Kubernetes objects run on the cluster's nodes, which are priced; the kinds here make AWS create
 * resources of their own outside Pulumi's view. Every other kind is free (the registry says so).
 */
import { ResourceLike } from "../resource";
import { ebsGBMonthPrice } from "./ebs";
import { fixed, line, usd } from "./line";
import { guarded, optionalString, requireString, Unreadable } from "./props";
import { PricedResource, PricerTable } from "./types";

/** Why a Kubernetes kind with no pricer here is free. */
export const KUBERNETES_FREE_REASON = "Kubernetes objects run on the cluster's nodes, which are priced";

function priceKubernetesService(r: ResourceLike): PricedResource {
    return guarded(() => {
        const type = optionalString(r.props, "spec.type", "the Service type") ?? "ClusterIP";
        if (type !== "LoadBalancer") return { kind: "free", reason: `${type} Services run on the cluster's nodes, which are priced` };
        return { kind: "unpriced", reason: "a Service of type LoadBalancer makes AWS create a load balancer outside Pulumi, which the catalogue cannot price: use ClusterIP behind a priced aws.lb.LoadBalancer" };
    });
}

function pricePersistentVolumeClaim(r: ResourceLike): PricedResource {
    return guarded(() => {
        const request = requireString(r.props, "spec.resources.requests.storage", "the requested storage");
        const gib = parseQuantityGiB(request);
        if (gib === undefined) throw new Unreadable("spec.resources.requests.storage", "invalid", `"${request}" is not a storage quantity such as 100Gi`);
        const storageClass = optionalString(r.props, "spec.storageClassName", "storage class");
        // EKS's default storage class is gp2; a class named for gp3 provisions gp3.
        const volumeType = storageClass === undefined ? "gp2" : /gp3/.test(storageClass) ? "gp3" : /gp2/.test(storageClass) ? "gp2" : undefined;
        if (volumeType === undefined) return { kind: "unpriced", reason: `storage class ${storageClass} provisions volumes the catalogue cannot price (name it for gp2 or gp3)` };
        const p = ebsGBMonthPrice(volumeType, "spec.storageClassName");
        return fixed([line(`${gib} GiB ${volumeType} volume claimed by Kubernetes at ${usd(p.usd)}/${p.unit}`, gib, p.unit, p.usd, p.provenance)]);
    });
}

function parseQuantityGiB(quantity: string): number | undefined {
    const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|K|M|G|T)?$/.exec(quantity.trim());
    if (m === null) return undefined;
    const factor: Record<string, number> = { Ki: 1 / 1024 ** 2, Mi: 1 / 1024, Gi: 1, Ti: 1024, K: 1e3 / 1024 ** 3, M: 1e6 / 1024 ** 3, G: 1e9 / 1024 ** 3, T: 1e12 / 1024 ** 3, "": 1 / 1024 ** 3 };
    return Number(m[1]) * (factor[m[2] ?? ""] ?? 1);
}

export const kubernetesPricers: PricerTable = {
    "kubernetes:core/v1:Service": priceKubernetesService,
    "kubernetes:core/v1:PersistentVolumeClaim": pricePersistentVolumeClaim,
};
