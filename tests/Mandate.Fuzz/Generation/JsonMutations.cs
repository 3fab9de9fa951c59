using System.Text.Json;
using System.Text.Json.Nodes;

namespace Mandate.Fuzz.Generation;

/// <summary>
/// Structure-aware mutation of a JSON document: a random node gets another type, a huge or odd number,
/// a hostile string, deep nesting, a duplicate or dropped member. Sometimes the text is then mangled too,
/// so parsers see both well-formed documents with wrong shapes and documents that are not JSON at all.
/// </summary>
internal static class JsonMutations
{
    private const string DeepMarker = "\u0001deep\u0001";
    private const string DuplicateMarker = "\u0001dup\u0001";

    private static readonly JsonSerializerOptions Relaxed = new()
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        MaxDepth = 256,
    };

    private static readonly string[] RawNumbers =
    [
        "0", "-0", "1", "-1", "0.5", "1e309", "-1e309", "1e-400", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "4102444800", "253402300800",
        "1.7976931348623157e308", "2147483648", "-2147483649", "1E2", "1.0", "100.000000000000000001",
    ];

    /// <summary>A mutated serialization of <paramref name="seed"/> (valid JSON text of the seed's document).</summary>
    public static string Mutate(Random random, string seed)
    {
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(seed);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return Mutations.MutateText(random, seed);
        }

        var deepText = "";
        var duplicate = "";
        var rounds = random.Next(1, 4);
        for (var i = 0; i < rounds; i++)
        {
            root = MutateNode(random, root, ref deepText, ref duplicate);
        }

        string text;
        try
        {
            text = root?.ToJsonString(Relaxed) ?? "null";
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            // A lone surrogate or too deep for the writer: keep the seed and mangle its text instead.
            return Mutations.MutateText(random, seed);
        }

        text = text.Replace(Quote(DeepMarker), deepText, StringComparison.Ordinal);
        if (duplicate.Length > 0)
        {
            // A member repeated with another value: JSON parsers disagree on which one wins.
            text = text.Replace(Quote(DuplicateMarker) + ":", duplicate, StringComparison.Ordinal);
        }

        return random.Next(6) == 0 ? Mutations.MutateText(random, text, 2) : text;
    }

    /// <summary>A value of a random JSON type, occasionally large.</summary>
    public static JsonNode? RandomValue(Random random, int depth = 0)
    {
        switch (random.Next(depth > 2 ? 5 : 8))
        {
            case 0:
                return null;
            case 1:
                return JsonValue.Create(random.Next(2) == 0);
            case 2:
                return JsonNode.Parse(Mutations.Pick(random, RawNumbers));
            case 3:
                return JsonValue.Create(Mutations.Pick(random, Mutations.HostileTokens));
            case 4:
                return JsonValue.Create(new string((char)random.Next(0x20, 0x7F), random.Next(0, random.Next(8) == 0 ? 20_000 : 16)));
            case 5:
                var array = new JsonArray();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    array.Add(RandomValue(random, depth + 1));
                }

                return array;
            default:
                var obj = new JsonObject();
                for (var i = random.Next(0, 4); i > 0; i--)
                {
                    obj[Mutations.Pick(random, MemberNames)] = RandomValue(random, depth + 1);
                }

                return obj;
        }
    }

    private static readonly string[] MemberNames =
    [
        "type", "amount", "currency", "note", "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "tenant", "alg", "typ", "kid",
        "crit", "jwk", "kty", "crv", "x", "y", "d", "n", "e", "k", "htm", "htu", "ath", "nonce", "cnf", "act", "scope", "", "__proto__",
    ];

    private static JsonNode? MutateNode(Random random, JsonNode? root, ref string deepText, ref string duplicate)
    {
        var nodes = new List<JsonNode>();
        Collect(root, nodes);
        if (nodes.Count == 0 || random.Next(20) == 0)
        {
            return RandomValue(random);
        }

        var target = Mutations.Pick(random, nodes);
        switch (random.Next(8))
        {
            case 0:
                return Replace(root, target, RandomValue(random));
            case 1:
                return Replace(root, target, JsonNode.Parse(Mutations.Pick(random, RawNumbers)));
            case 2:
                // The same value under another JSON type: "42" for 42, [x] for x, {"v": x} for x.
                var swapped = target.GetValueKind() switch
                {
                    JsonValueKind.String => (JsonNode)NumberOrZero(target.GetValue<string>()),
                    JsonValueKind.Number => JsonValue.Create(target.ToJsonString()),
                    JsonValueKind.Array => new JsonObject { ["0"] = target.DeepClone() },
                    JsonValueKind.Object => new JsonArray(target.DeepClone()),
                    _ => JsonValue.Create(target.ToJsonString()),
                };
                return Replace(root, target, swapped);
            case 3:
                var depth = random.Next(2) == 0 ? random.Next(5, 80) : random.Next(1_000, 5_000);
                var open = random.Next(2) == 0 ? "[" : "{\"a\":";
                var close = open == "[" ? "]" : "}";
                deepText = string.Concat(Enumerable.Repeat(open, depth)) + "1" + string.Concat(Enumerable.Repeat(close, depth));
                return Replace(root, target, JsonValue.Create(DeepMarker));
            case 4 when target is JsonObject obj && obj.Count > 0:
                var name = obj.ElementAt(random.Next(obj.Count)).Key;
                obj.Remove(name);
                return root;
            case 5 when target is JsonObject obj:
                var first = obj.Count > 0 ? obj.ElementAt(random.Next(obj.Count)).Key : "sub";
                duplicate = JsonSerializer.Serialize(first) + ":" + (RandomValue(random)?.ToJsonString(Relaxed) ?? "null") + "," + JsonSerializer.Serialize(first) + ":";
                obj[DuplicateMarker] = RandomValue(random);
                return root;
            case 6 when target.GetValueKind() == JsonValueKind.String:
                return Replace(root, target, JsonValue.Create(Mutations.MutateText(random, target.GetValue<string>())));
            case 7 when target is JsonArray array:
                var copies = random.Next(2, 40);
                var items = array.Select(n => n?.DeepClone()).ToList();
                for (var i = 0; i < copies && items.Count > 0; i++)
                {
                    array.Add(items[random.Next(items.Count)]?.DeepClone());
                }

                return root;
            default:
                if (target is JsonObject bag)
                {
                    bag[Mutations.Pick(random, MemberNames) + (random.Next(3) == 0 ? random.Next(100).ToString() : "")] = RandomValue(random);
                }

                return root;
        }
    }

    /// <summary>"42" becomes 42; text that is no JSON number becomes 0.</summary>
    private static JsonValue NumberOrZero(string text)
    {
        try
        {
            return JsonNode.Parse(text) is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value : JsonValue.Create(0);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            return JsonValue.Create(0);
        }
    }

    private static string Quote(string marker) => JsonSerializer.Serialize(marker, Relaxed);

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null)
        {
            return;
        }

        into.Add(node);
        switch (node)
        {
            case JsonObject obj:
                foreach (var (_, child) in obj)
                {
                    Collect(child, into);
                }

                break;
            case JsonArray array:
                foreach (var child in array)
                {
                    Collect(child, into);
                }

                break;
        }
    }

    private static JsonNode? Replace(JsonNode? root, JsonNode target, JsonNode? replacement)
    {
        if (ReferenceEquals(root, target) || target.Parent is null)
        {
            return replacement;
        }

        switch (target.Parent)
        {
            case JsonObject parent:
                parent[target.GetPropertyName()] = replacement;
                break;
            case JsonArray parent:
                parent[target.GetElementIndex()] = replacement;
                break;
        }

        return root;
    }
}
