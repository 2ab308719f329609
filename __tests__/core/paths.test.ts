import { integrationPath, parseRoutePath, pathId, type PathSegment } from "../../lib/core/paths";

function segments(path: string): PathSegment[] {
  const parsed = parseRoutePath(path);
  if (typeof parsed === "string") throw new Error(parsed);
  return parsed;
}

describe("parseRoutePath", () => {
  test("splits literals, parameters and a trailing greedy parameter", () => {
    expect(segments("/orders/{id}/items/{proxy+}")).toEqual([
      { part: "orders", greedy: false },
      { part: "{id}", parameter: "id", greedy: false },
      { part: "items", greedy: false },
      { part: "{proxy+}", parameter: "proxy", greedy: true },
    ]);
    expect(segments("/")).toEqual([]);
  });

  test.each([
    ["orders", "must start with /"],
    ["/orders/", "must not end with /"],
    ["/a//b", "must not contain an empty segment (//)"],
    ["/{proxy+}/x", "greedy segment {proxy+} must be the last segment"],
    ["/a b", 'segment "a b" must be letters, digits, . _ ~ - or a {parameter} / {parameter+}'],
    ["/{1id}", 'segment "{1id}" must be letters, digits, . _ ~ - or a {parameter} / {parameter+}'],
  ])("%s is rejected: %s", (path, reason) => {
    expect(parseRoutePath(path)).toBe(reason);
  });
});

test("integrationPath turns a greedy parameter into a plain one", () => {
  expect(integrationPath(segments("/orders/{proxy+}"))).toBe("/orders/{proxy}");
  expect(integrationPath(segments("/"))).toBe("/");
});

test("pathId never gives two paths the same id", () => {
  // GIVEN paths that a naive encoding (joining with _ and dropping braces) would confuse
  const paths = [
    "/",
    "/root",
    "/a/b",
    "/a_b",
    "/a-b",
    "/a.b",
    "/inventory/{sku}",
    "/inventory/sku",
    "/x/{proxy+}",
    "/x/{proxy}",
    "/x/proxy",
  ];
  // WHEN
  const ids = paths.map((p) => pathId(segments(p)));
  // THEN
  expect(new Set(ids).size).toBe(paths.length);
});
