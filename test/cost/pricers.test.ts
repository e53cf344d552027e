import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PRICERS, priceResource, registerPricers } from "../../cost/pricers";
import { FREE_TYPES } from "../../cost/pricers/free";
import { fixed } from "../../cost/pricers/line";

const dir = join(__dirname, "../../cost/pricers");

describe("the pricer registry (cost/pricers/index.ts)", () => {
    it("refuses a type registered by two service modules, or registered and listed free", () => {
        const pricer = () => fixed([]);
        expect(() => registerPricers({ a: { "aws:x/y:Y": pricer }, b: { "aws:x/y:Y": pricer } })).toThrow(/aws:x\/y:Y registered twice: by a and by b/);
        expect(() => registerPricers({ a: { "aws:ec2/vpc:Vpc": pricer } })).toThrow(/aws:ec2\/vpc:Vpc registered twice: by free and by a/);
    });

    it("wires in every service module in the folder", () => {
        const shared = new Set(["index.ts", "types.ts", "line.ts", "props.ts", "free.ts"]);
        const services = readdirSync(dir).filter((f) => f.endsWith(".ts") && !shared.has(f));
        const index = readFileSync(join(dir, "index.ts"), "utf8");
        for (const file of services) {
            const table = /export const (\w+Pricers): PricerTable/.exec(readFileSync(join(dir, file), "utf8"))?.[1];
            expect(table, `${file} exports no PricerTable`).toBeDefined();
            expect(index, `${file}'s ${table} is not registered in index.ts`).toMatch(new RegExp(`:\\s*${table},`));
        }
        expect(PRICERS.size).toBeGreaterThan(20);
    });

    it("prices nothing as $0 by omission: an unregistered type is unpriced and says where its pricer goes", () => {
        const r = priceResource({ type: "aws:sagemaker/endpoint:Endpoint", name: "e", props: {} });
        expect(r).toMatchObject({ kind: "unpriced" });
        expect(r.kind === "unpriced" && r.reason).toContain("cost/pricers/");
    });

    it("calls a Kubernetes kind free only when no pricer claims it", () => {
        expect(priceResource({ type: "kubernetes:apps/v1:Deployment", name: "d", props: {} })).toMatchObject({ kind: "free" });
        expect(priceResource({ type: "kubernetes:core/v1:PersistentVolumeClaim", name: "p", props: { spec: { resources: { requests: { storage: "100Gi" } } } } })).toMatchObject({ kind: "priced" });
        expect(FREE_TYPES["kubernetes:core/v1:Service"]).toBeUndefined();
    });
});
