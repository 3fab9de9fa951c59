using System.Text;

namespace Mandate.Fuzz.Generation;

/// <summary>
/// Mutations of YAML documents that keep enough structure to reach the readers behind the YAML parser:
/// lines dropped, repeated, swapped or re-indented; a scalar replaced by another type (list, map, null,
/// huge number, tagged value, alias); plus deep nesting, alias fan-out ("billion laughs"), extra
/// documents, and byte-level damage including invalid UTF-8.
/// </summary>
internal static class YamlMutations
{
    private static readonly string[] Scalars =
    [
        "~", "null", "[]", "{}", "[a, b]", "{ a: 1 }", "''", "\"\"", "-1", "0", "99999999999999999999999", "1e309", "-1m", "0s", "10000000000h",
        "5x", "1.5m", "yes", "no", "true", "!!binary aGVsbG8=", "!!python/object:os.system ls", "!!int x", "&anchor value", "*anchor",
        "'*'", "\"\\u0000\"", "\"\\ud800\"", "|\n  block", ">\n  folded", "\"spiffe://acme.example/agents/*\"", "\"spiffe://other.example/x\"",
        "https://", "./../../etc/passwd", "/dev/zero", "\"{{x}}\"", "allow", "deny", "require_approval", "same_as_user", "\"a\\nb\"",
    ];

    public static string Mutate(Random random, string seed)
    {
        var lines = seed.Split('\n').ToList();
        var rounds = random.Next(1, 4);
        for (var r = 0; r < rounds; r++)
        {
            var i = random.Next(lines.Count);
            switch (random.Next(11))
            {
                case 0:
                    lines.RemoveAt(i);
                    break;
                case 1:
                    lines.InsertRange(i, Enumerable.Repeat(lines[i], random.Next(2, 50)));
                    break;
                case 2:
                    var j = random.Next(lines.Count);
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    break;
                case 3:
                    lines[i] = random.Next(2) == 0 ? new string(' ', random.Next(0, 12)) + lines[i].TrimStart() : "\t" + lines[i];
                    break;
                case 4 or 5 or 6:
                    lines[i] = ReplaceScalar(random, lines[i]);
                    break;
                case 7:
                    lines.Insert(i, Structure(random));
                    break;
                case 8:
                    lines[i] = Mutations.MutateText(random, lines[i], 2);
                    break;
                case 9:
                    // A key repeated: the readers must refuse or pick deterministically, never crash.
                    lines.Insert(i, lines[random.Next(lines.Count)]);
                    break;
                default:
                    lines.Insert(random.Next(2) == 0 ? 0 : lines.Count, random.Next(2) == 0 ? "---" : "%YAML 1.1");
                    break;
            }

            if (lines.Count == 0)
            {
                lines.Add("");
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>Bytes of a mutated document; sometimes damaged below the text level.</summary>
    public static byte[] MutateToBytes(Random random, string seed)
    {
        var bytes = Encoding.UTF8.GetBytes(Mutate(random, seed));
        return random.Next(5) == 0 ? Mutations.MutateBytes(random, bytes, 2) : bytes;
    }

    private static string ReplaceScalar(Random random, string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon < 0)
        {
            var dash = line.IndexOf("- ", StringComparison.Ordinal);
            return dash < 0 ? line + " " + Mutations.Pick(random, Scalars) : line[..(dash + 2)] + Mutations.Pick(random, Scalars);
        }

        return line[..(colon + 2)] + Mutations.Pick(random, Scalars);
    }

    private static string Structure(Random random)
    {
        var n = random.Next(2) == 0 ? random.Next(10, 100) : random.Next(500, 5_000);
        switch (random.Next(5))
        {
            case 0:
                return "deep: " + new string('[', n) + new string(']', n);
            case 1:
                return "deep: " + string.Concat(Enumerable.Repeat("{a: ", n)) + "1" + new string('}', n);
            case 2:
                // Each level refers to the one before nine times: a reader that expands aliases does 9^n work.
                var bomb = new StringBuilder("a0: &a0 [x, x, x, x, x, x, x, x, x]\n");
                for (var level = 1; level < 12; level++)
                {
                    bomb.Append(CultureInvariant($"a{level}: &a{level} [")).Append(string.Join(", ", Enumerable.Repeat(CultureInvariant($"*a{level - 1}"), 9))).Append("]\n");
                }

                return bomb.ToString().TrimEnd('\n');
            case 3:
                return string.Concat(Enumerable.Range(0, Math.Min(n, 200)).Select(d => new string(' ', d * 2) + "k:\n")) + new string(' ', Math.Min(n, 200) * 2) + "v";
            default:
                return "rules: " + Mutations.Pick(random, Scalars);
        }
    }

    private static string CultureInvariant(FormattableString text) => FormattableString.Invariant(text);
}
