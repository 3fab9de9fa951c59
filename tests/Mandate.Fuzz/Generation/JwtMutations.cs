using System.Buffers.Text;
using System.Text;
using System.Text.Json;

namespace Mandate.Fuzz.Generation;

/// <summary>
/// Hostile compact JWS built from a valid one. Four families: claims or header mutated and then signed
/// again with the trusted key (so the deep claim checks run, not just the signature check); mutated
/// without signing again; the segment structure broken (dots, base64url alphabet, padding, sizes);
/// and the segments' JSON text mangled below the JSON level (invalid UTF-8, truncation).
/// </summary>
internal static class JwtMutations
{
    /// <param name="random">The case's source of every choice.</param>
    /// <param name="header">The valid header as JSON text.</param>
    /// <param name="payload">The valid payload as JSON text.</param>
    /// <param name="sign">Signs the signing input with the key the verifier trusts.</param>
    public static string Mutate(Random random, string header, string payload, Func<byte[], byte[]> sign)
    {
        switch (random.Next(10))
        {
            case 0 or 1 or 2:
                return Encode(header, JsonMutations.Mutate(random, payload), sign);
            case 3:
                return Encode(JsonMutations.Mutate(random, header), payload, sign);
            case 4:
                return Encode(JsonMutations.Mutate(random, header), JsonMutations.Mutate(random, payload), random.Next(2) == 0 ? sign : null);
            case 5:
                return Encode(header, JsonMutations.Mutate(random, payload), null) + (random.Next(2) == 0 ? "" : Segment(Encoding.UTF8.GetBytes(Mutations.RandomText(random, 64))));
            case 6:
                // Below the JSON level: bytes that are not JSON, or not UTF-8.
                var bytes = Mutations.MutateBytes(random, Encoding.UTF8.GetBytes(random.Next(2) == 0 ? payload : header));
                var signingInput = random.Next(2) == 0
                    ? Segment(Encoding.UTF8.GetBytes(header)) + "." + Segment(bytes)
                    : Segment(bytes) + "." + Segment(Encoding.UTF8.GetBytes(payload));
                return signingInput + "." + Segment(sign(Encoding.ASCII.GetBytes(signingInput)));
            case 7:
                return BreakStructure(random, Encode(header, payload, sign));
            case 8:
                return Mutations.MutateText(random, Encode(header, payload, sign));
            default:
                return random.Next(3) switch
                {
                    0 => Mutations.RandomText(random, 200),
                    1 => string.Join('.', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Segment(Mutations.RandomBytes(random, 120)))),
                    _ => Segment(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonMutations.RandomValue(random)))) + "." +
                         Segment(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(JsonMutations.RandomValue(random)))) + ".",
                };
        }
    }

    public static string Encode(string header, string payload, Func<byte[], byte[]>? sign)
    {
        var signingInput = Segment(Encoding.UTF8.GetBytes(header)) + "." + Segment(Encoding.UTF8.GetBytes(payload));
        return signingInput + "." + (sign is null ? "" : Segment(sign(Encoding.ASCII.GetBytes(signingInput))));
    }

    public static string Segment(byte[] bytes) => Base64Url.EncodeToString(bytes);

    private static string BreakStructure(Random random, string token)
    {
        var parts = token.Split('.');
        switch (random.Next(8))
        {
            case 0:
                return string.Join('.', parts.Take(random.Next(parts.Length)));
            case 1:
                return token + "." + parts[random.Next(parts.Length)];
            case 2:
                return token.Replace('-', '+').Replace('_', '/') + "==";
            case 3:
                parts[random.Next(parts.Length)] = "";
                return string.Join('.', parts);
            case 4:
                var i = random.Next(parts.Length);
                parts[i] = parts[i] + new string('A', random.Next(1, 4));
                return string.Join('.', parts);
            case 5:
                return " " + token + "\r\n";
            case 6:
                i = random.Next(parts.Length);
                parts[i] = string.Concat(Enumerable.Repeat(parts[i].Length > 0 ? parts[i] : "A", random.Next(2, 600)));
                return string.Join('.', parts);
            default:
                (parts[0], parts[1]) = (parts[1], parts[0]);
                return string.Join('.', parts);
        }
    }
}
