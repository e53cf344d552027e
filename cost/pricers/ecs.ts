/** ECS services on Fargate: tasks x vCPU and memory hours from their task definition. */
import { ResourceLike } from "../resource";
import { HOURS_PER_MONTH } from "../units";
import { fixed, svc, usageLine, usd } from "./line";
import { guarded, read, requireNumber, Unreadable } from "./props";
import { PricedResource, PricerTable, PricingContext } from "./types";

function taskDefinitionOf(r: ResourceLike, ctx: PricingContext): ResourceLike {
    const ref = read(r.props, "taskDefinition");
    if (ref.state === "known") {
        const found = ctx.lookup?.(String(ref.value));
        if (found !== undefined) return found;
    }
    // At preview the ARN of a task definition created in the same stack is unknown: follow the
    // property's dependency instead.
    for (const urn of r.propertyDependencies?.["taskDefinition"] ?? []) {
        const found = ctx.lookup?.(urn);
        if (found?.type === "aws:ecs/taskDefinition:TaskDefinition") return found;
    }
    throw new Unreadable("taskDefinition", ref.state === "known" ? "absent" : ref.state, "the task definition (its cpu and memory size each task); not found in the stack");
}

function usesFargate(r: ResourceLike): boolean {
    const launchType = read(r.props, "launchType");
    if (launchType.state === "unknown") throw new Unreadable("launchType", "unknown", "the launch type");
    if (launchType.state === "known") return launchType.value === "FARGATE";
    const strategies = read(r.props, "capacityProviderStrategies");
    if (strategies.state === "unknown") throw new Unreadable("capacityProviderStrategies", "unknown", "the capacity providers");
    if (strategies.state === "known" && Array.isArray(strategies.value) && strategies.value.length > 0) {
        return strategies.value.some((s) => {
            const provider = (s as Record<string, unknown> | null)?.["capacityProvider"];
            return provider === "FARGATE" || provider === "FARGATE_SPOT";
        });
    }
    // ECS's default launch type is EC2, but a service with no capacity on EC2 cannot run: price it as Fargate, the billable case.
    return true;
}

function priceEcsService(r: ResourceLike, ctx: PricingContext): PricedResource {
    return guarded(() => {
        if (!usesFargate(r)) return { kind: "free", reason: "EC2 launch type: tasks run on container instances, which are priced" };
        const count = requireNumber(r.props, "desiredCount", "the number of tasks");
        const task = taskDefinitionOf(r, ctx);
        const cpuUnits = requireNumber(task.props, "cpu", `task definition ${task.name} cpu units`);
        const memoryMiB = requireNumber(task.props, "memory", `task definition ${task.name} memory MiB`);
        const vcpu = cpuUnits / 1024;
        const gb = memoryMiB / 1024;
        const cpu = svc("fargateVcpuHour");
        const mem = svc("fargateGBHour");
        // FARGATE_SPOT is priced at the on-demand Fargate rate: the ceiling of what it can bill.
        return fixed([
            usageLine(`${count} tasks x ${vcpu} vCPU x ${HOURS_PER_MONTH} h at ${usd(cpu.usd)}/vCPU-hour`, count * vcpu * HOURS_PER_MONTH, cpu),
            usageLine(`${count} tasks x ${gb} GB x ${HOURS_PER_MONTH} h at ${usd(mem.usd)}/GB-hour`, count * gb * HOURS_PER_MONTH, mem),
        ]);
    });
}

export const ecsPricers: PricerTable = {
    "aws:ecs/service:Service": priceEcsService,
};
