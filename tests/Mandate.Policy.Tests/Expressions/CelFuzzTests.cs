using Mandate.Policy.Expressions;

namespace Mandate.Policy.Tests.Expressions;

/// <summary>Seeded random inputs: compiling and evaluating never throw; failures are diagnostics or error values.</summary>
public sealed class CelFuzzTests
{
    private static readonly string[] Fragments =
    [
        "user", ".", "claims", "tier", "request", "authorization_details", "[", "]", "(", ")", "{", "}", "0", "1", "-",
        "2.5", "'x'", "\"y\"", "==", "!=", "<", "<=", ">", ">=", "&&", "||", "!", "+", "*", "/", "%", "?", ":", ",",
        "in", "xs", "n", "now", "name", "size", "has", "exists", "all", "map", "filter", "matches", "startsWith", "timestamp",
        "duration", "'1h'", "'2026-01-01T00:00:00Z'", "true", "false", "null", " ", "a", "\\", "'", "0x", "1e9", "9223372036854775807",
    ];

    [Fact]
    public void Random_token_soup_never_throws()
    {
        var random = new Random(20260101);
        var compiled = 0;
        for (var i = 0; i < 20_000; i++)
        {
            var length = random.Next(1, 16);
            var source = string.Concat(Enumerable.Range(0, length).Select(_ => Fragments[random.Next(Fragments.Length)] + (random.Next(3) == 0 ? " " : "")));
            var (program, problems) = CelProgram.Compile(source, CelTestContext.Environment, requireBool: false);
            Assert.True(program is not null || problems.Count > 0, source);
            if (program is not null)
            {
                compiled++;
                var result = program.Evaluate(CelTestContext.Variables());
                Assert.True(result.Error is null || result.Error.Message.Length > 0, source);
            }
        }

        Assert.True(compiled > 100, $"only {compiled} random expressions compiled; the generator is too weak");
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var random = new Random(7);
        for (var i = 0; i < 5_000; i++)
        {
            var chars = new char[random.Next(0, 40)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x3000);
            }

            var (program, problems) = CelProgram.Compile(new string(chars), CelTestContext.Environment);
            Assert.True(program is not null || problems.Count > 0);
        }
    }

    [Fact]
    public void Well_typed_programs_over_random_values_never_throw()
    {
        string[] programs =
        [
            "user.claims.tier == 'gold' || user.claims.level > 2",
            "request.authorization_details.all(d, d.amount <= 100 && d.type == 'refund')",
            "xs.exists(x, x % 3 == 2) && size(name) < 10",
            "user.claims.groups.exists(g, g.startsWith('s'))",
        ];
        var random = new Random(11);
        object?[] pool = [null, true, 0L, -1L, long.MaxValue, 1.5, double.NaN, "", "gold", new List<object?> { 1L, "a" }, new Dictionary<string, object?> { ["amount"] = "x" }];
        foreach (var source in programs)
        {
            var program = CelTestContext.Compile(source);
            for (var i = 0; i < 2_000; i++)
            {
                var vars = CelTestContext.Variables();
                var claims = (Dictionary<string, object?>)((Dictionary<string, object?>)vars["user"]!)["claims"]!;
                claims["tier"] = pool[random.Next(pool.Length)];
                claims["level"] = pool[random.Next(pool.Length)];
                claims["groups"] = pool[random.Next(pool.Length)];
                vars["xs"] = random.Next(2) == 0 ? pool[random.Next(pool.Length)] : vars["xs"];
                ((Dictionary<string, object?>)vars["request"]!)["authorization_details"] = new List<object?> { pool[random.Next(pool.Length)], pool[random.Next(pool.Length)] };
                vars["name"] = pool[random.Next(pool.Length)];
                _ = program.Evaluate(vars);
            }
        }
    }
}
