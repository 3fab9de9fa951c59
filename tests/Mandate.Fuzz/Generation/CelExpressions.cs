using System.Text;

namespace Mandate.Fuzz.Generation;

/// <summary>
/// Expressions of the policy language: generated from its grammar over the policy context's variables
/// (so many type-check and run), seeds from real policies, and both mutated at the text level, plus deep
/// nesting and long chains aimed at recursion in the parser, checker and evaluator.
/// </summary>
internal static class CelExpressions
{
    public static readonly string[] Seeds =
    [
        "authorization_details.all(d, d.amount <= 100)",
        "has(user.claims.tier) && user.claims.tier == \"gold\"",
        "has(evidence.eval) && evidence.eval == \"pass\"",
        "request.authorization_details.exists(d, d.type == 'refund' && d.currency in ['EUR', 'USD'])",
        "scopes.size() <= 2 && 'refunds:write' in scopes",
        "now.getHours() >= 8 && now.getHours() < 18",
        "now < timestamp('2030-01-01T00:00:00Z') && duration('1h') > duration('30m')",
        "user.id.startsWith('a') && user.id.matches('^[a-z]+$')",
        "run.depth < 2 || agent.id.endsWith('/support')",
        "rate['user'] < 3 && size(tenant) > 0",
        "authorization_details.map(d, d.amount).filter(a, a > 10).size() == 0",
        "int(user.claims.level) + 1 > 2 ? true : false",
        "string(run.depth) == '0' && double(run.depth) < 1.5",
        "environment == 'dev' && subject == 'user' && tool == 'refunds'",
    ];

    private static readonly string[] Atoms =
    [
        "agent.id", "run.id", "run.depth", "tenant", "subject", "user.id", "user.tenant", "user.claims", "user.claims.tier",
        "user.claims['level']", "tool", "scopes", "authorization_details", "request.tool", "request.scopes", "request.authorization_details",
        "request.evidence_subject", "environment", "now", "evidence", "evidence.eval", "rate", "rate['user']", "0", "1", "-1", "42",
        "9223372036854775807", "-9223372036854775808", "2.5", "1e308", "0u", "true", "false", "null", "'x'", "\"gold\"", "''", "b'ab'",
        "[]", "[1, 2, 3]", "['a', 'b']", "{}", "{'a': 1}", "duration('1h')", "timestamp('2026-01-01T00:00:00Z')", "x", "d",
    ];

    private static readonly string[] Binary = ["==", "!=", "<", "<=", ">", ">=", "&&", "||", "+", "-", "*", "/", "%", "in"];

    private static readonly string[] Calls =
    [
        "size({0})", "has({0}.tier)", "int({0})", "uint({0})", "double({0})", "string({0})", "bool({0})", "duration({0})", "timestamp({0})",
        "{0}.size()", "{0}.startsWith({1})", "{0}.endsWith({1})", "{0}.contains({1})", "{0}.matches({1})", "{0}.exists(x, {1})",
        "{0}.all(x, {1})", "{0}.exists_one(x, {1})", "{0}.map(x, {1})", "{0}.filter(x, {1})", "{0}.getHours()", "{0}.getFullYear()",
        "{0}[{1}]", "{0}.{1}", "type({0})", "dyn({0})", "matches({0}, {1})",
    ];

    /// <summary>A new expression for one fuzz case.</summary>
    public static string Next(Random random)
    {
        return random.Next(10) switch
        {
            0 or 1 or 2 => Generate(random, random.Next(1, 6)),
            3 or 4 => Mutations.MutateText(random, Mutations.Pick(random, Seeds)),
            5 => Mutations.MutateText(random, Generate(random, 4)),
            6 => Deep(random),
            7 => Mutations.Pick(random, Seeds),
            8 => Mutations.RandomText(random, 60),
            _ => string.Join(' ', Enumerable.Range(0, random.Next(1, 20)).Select(_ => random.Next(3) == 0 ? Mutations.Pick(random, Binary) : Mutations.Pick(random, Atoms))),
        };
    }

    private static string Generate(Random random, int depth)
    {
        if (depth <= 0 || random.Next(4) == 0)
        {
            return Mutations.Pick(random, Atoms);
        }

        return random.Next(6) switch
        {
            0 or 1 => $"{Generate(random, depth - 1)} {Mutations.Pick(random, Binary)} {Generate(random, depth - 1)}",
            2 => string.Format(System.Globalization.CultureInfo.InvariantCulture, Mutations.Pick(random, Calls), Generate(random, depth - 1), Generate(random, depth - 1)),
            3 => $"{Generate(random, depth - 1)} ? {Generate(random, depth - 1)} : {Generate(random, depth - 1)}",
            4 => (random.Next(2) == 0 ? "!" : "-") + Generate(random, depth - 1),
            _ => $"({Generate(random, depth - 1)})",
        };
    }

    /// <summary>Nesting and chains far beyond any real condition.</summary>
    private static string Deep(Random random)
    {
        var n = random.Next(2) == 0 ? random.Next(10, 200) : random.Next(1_000, 20_000);
        return random.Next(7) switch
        {
            0 => new string('(', n) + "true" + new string(')', n),
            1 => new string('!', n) + "true",
            2 => string.Join(" && ", Enumerable.Repeat("true", n)),
            3 => string.Join(" + ", Enumerable.Repeat("1", n)) + " > 0",
            4 => new string('[', n) + new string(']', n),
            5 => "user.claims" + string.Concat(Enumerable.Repeat(".a", n)) + " == 1",
            _ => new StringBuilder().Insert(0, "scopes.all(x, ", Math.Min(n, 500)).Append("true").Append(')', Math.Min(n, 500)).ToString(),
        };
    }
}
