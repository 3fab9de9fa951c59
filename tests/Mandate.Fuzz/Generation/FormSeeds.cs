using System.Text;

namespace Mandate.Fuzz.Generation;

/// <summary>Token-exchange forms (RFC 8693 §2.1) as name/value pairs, and field-level mutations of them.</summary>
internal static class FormSeeds
{
    private static readonly string[] Names =
    [
        "grant_type", "subject_token", "subject_token_type", "actor_token", "actor_token_type", "resource", "audience", "scope",
        "requested_token_type", "requested_lifetime", "authorization_details", "tenant", "run", "mandate_csr", "token", "token_type_hint",
        "client_id", "client_assertion", "client_assertion_type", "auth_req_id", "",
    ];

    /// <summary>A plausible exchange with placeholder tokens (the HTTP target puts signed ones in).</summary>
    public static List<KeyValuePair<string, string>> ExchangePairs(Random random) =>
    [
        new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
        new("subject_token", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9." + new string('A', random.Next(0, 86))),
        new("subject_token_type", "urn:ietf:params:oauth:token-type:jwt"),
        new("actor_token", "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzcGlmZmU6Ly9hY21lLmV4YW1wbGUvYWdlbnRzL3N1cHBvcnQifQ.AAAA"),
        new("actor_token_type", "urn:ietf:params:oauth:token-type:jwt"),
        new("resource", "https://refunds.acme.example"),
        new("scope", "refunds:write"),
        new("authorization_details", "[{\"type\":\"refund\",\"amount\":80,\"currency\":\"EUR\"}]"),
    ];

    public static string Exchange(Random random) => Encode(ExchangePairs(random));

    /// <summary>Field-level mutations (drop, repeat, rename, empty, mutate a value or name), then encoded; sometimes mis-encoded.</summary>
    public static string Mutate(Random random, List<KeyValuePair<string, string>> pairs)
    {
        var rounds = random.Next(1, 4);
        for (var r = 0; r < rounds && pairs.Count > 0; r++)
        {
            var i = random.Next(pairs.Count);
            switch (random.Next(9))
            {
                case 0:
                    pairs.RemoveAt(i);
                    break;
                case 1:
                    pairs.Insert(random.Next(pairs.Count), pairs[i]);
                    break;
                case 2:
                    pairs[i] = new(Mutations.Pick(random, Names), pairs[i].Value);
                    break;
                case 3:
                    pairs[i] = new(pairs[i].Key, "");
                    break;
                case 4 or 5:
                    pairs[i] = new(pairs[i].Key, Mutations.MutateText(random, pairs[i].Value));
                    break;
                case 6:
                    pairs[i] = new(Mutations.MutateText(random, pairs[i].Key, 2), pairs[i].Value);
                    break;
                case 7:
                    pairs.Add(new(Mutations.Pick(random, Names), Mutations.Pick(random, Mutations.HostileTokens)));
                    break;
                default:
                    pairs[i] = new(pairs[i].Key, string.Concat(Enumerable.Repeat(pairs[i].Value, random.Next(2, 40))));
                    break;
            }
        }

        var encoded = Encode(pairs);
        return random.Next(5) == 0 ? Mutations.MutateText(random, encoded, 2) : encoded;
    }

    /// <summary>application/x-www-form-urlencoded; lone surrogates (which UTF-8 cannot carry) become U+FFFD.</summary>
    public static string Encode(IEnumerable<KeyValuePair<string, string>> pairs) =>
        string.Join('&', pairs.Select(p => Escape(p.Key) + "=" + Escape(p.Value)));

    private static string Escape(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var builder = new StringBuilder(bytes.Length * 3);
        foreach (var b in bytes)
        {
            if (b is (>= (byte)'a' and <= (byte)'z') or (>= (byte)'A' and <= (byte)'Z') or (>= (byte)'0' and <= (byte)'9') or (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' or (byte)':')
            {
                builder.Append((char)b);
            }
            else if (b == (byte)' ')
            {
                builder.Append('+');
            }
            else
            {
                builder.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return builder.ToString();
    }
}
