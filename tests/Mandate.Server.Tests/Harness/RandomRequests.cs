using System.Text;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Seeded random OAuth requests: byte soup, random forms, valid exchanges with one parameter broken,
/// and identity tokens whose claims have the wrong types but a genuine signature from a trusted issuer.
/// The same seed gives the same requests (up to the random parts of signatures and jti values).
/// </summary>
internal sealed class RandomRequests(Random random, BrokerHarness broker)
{
    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=utf-8",
        "application/x-www-form-urlencoded; charset=\"utf-8\"", "application/x-www-form-urlencoded; charset=latin1",
        "APPLICATION/X-WWW-FORM-URLENCODED", "application/json", "text/plain", "multipart/form-data; boundary=--", ";;;", "",
    ];

    private static readonly string[] Names =
    [
        "grant_type", "subject_token", "subject_token_type", "actor_token", "actor_token_type", "resource", "audience",
        "scope", "tenant", "run", "requested_token_type", "token", "token_type_hint", "client_id", "", "%", "=", "a b",
    ];

    private static readonly object?[] OddValues =
    [
        null, true, 0, -1, long.MaxValue, long.MinValue, 1e300, -1e300, 0.5, "", " ", "9999999999999999999999",
        Array.Empty<object>(), new object?[] { null, 1, "x" }, new Dictionary<string, object?> { ["sub"] = new object[] { 1 } },
        TestBroker.SupportAgent, TestBroker.WorkloadIssuer, TestBroker.Issuer, "acme", "\u0000", "\ud800",
    ];

    public string ContentType() => Pick(ContentTypes);

    /// <summary>A request body: byte soup, a random form, or a valid exchange with one thing broken.</summary>
    public byte[] Body() => random.Next(4) switch
    {
        0 => Bytes(random.Next(0, 600)),
        1 => Encoding.UTF8.GetBytes(RandomForm()),
        2 => Encoding.UTF8.GetBytes(BrokenExchange()),
        _ => Encoding.UTF8.GetBytes(ExchangeWithOddClaims()),
    };

    /// <summary>An Authorization header for introspection and revocation, from absent to oddly signed.</summary>
    public string? Authorization() => random.Next(6) switch
    {
        0 => null,
        1 => "Bearer " + new string([.. Value().Where(char.IsAscii)]),
        2 => "Bearer " + broker.Svid(TestBroker.RefundsWorkload),
        3 => "Basic " + Convert.ToBase64String(Bytes(12)),
        4 => "Bearer " + OddlySignedToken(broker.WorkloadKey, broker.WorkloadClaims(TestBroker.RefundsWorkload)),
        _ => "bearer",
    };

    public string Value() => random.Next(8) switch
    {
        0 => "",
        1 => new string((char)random.Next(0x21, 0x7f), random.Next(1, 40)),
        2 => string.Concat(Enumerable.Range(0, random.Next(1, 12)).Select(_ => "%" + Hex(random.Next(256)) + (random.Next(3) == 0 ? "" : Hex(random.Next(16))))),
        3 => new string('x', random.Next(15_000, 40_000)),
        4 => RawJwt.Segment(OddObject()) + "." + RawJwt.Segment(OddObject()) + "." + RawJwt.Segment("sig"),
        5 => Uri.EscapeDataString(Encoding.UTF8.GetString(Bytes(random.Next(1, 30)))),
        6 => Uri.EscapeDataString(Pick(OddValues)?.ToString() ?? "null"),
        _ => string.Join(' ', Enumerable.Range(0, random.Next(1, 6)).Select(_ => Pick(["refunds:read", "crm:read", "*", "\"", "\\", "ü"]))),
    };

    private string RandomForm() =>
        string.Join('&', Enumerable.Range(0, random.Next(0, 14)).Select(_ => random.Next(10) == 0 ? Value() : $"{Pick(Names)}={Value()}"));

    private string BrokenExchange()
    {
        var pairs = broker.RefundRequest().ToForm().Select(p => (p.Key, Value: Uri.EscapeDataString(p.Value))).ToList();
        var i = random.Next(pairs.Count);
        switch (random.Next(4))
        {
            case 0:
                pairs[i] = (pairs[i].Key, Value());
                break;
            case 1:
                pairs.RemoveAt(i);
                break;
            case 2:
                pairs.Add(pairs[i]);
                break;
            default:
                pairs.Add((Pick(Names), Value()));
                break;
        }

        return string.Join('&', pairs.Select(p => $"{p.Key}={p.Value}"));
    }

    /// <summary>An exchange whose actor or subject token is signed by its real issuer but carries claims of the wrong type.</summary>
    private string ExchangeWithOddClaims()
    {
        var request = broker.RefundRequest();
        request = random.Next(2) == 0
            ? request with { ActorToken = OddlySignedToken(broker.WorkloadKey, broker.WorkloadClaims(TestBroker.SupportAgent)) }
            : request with { SubjectToken = OddlySignedToken(broker.UserKey, broker.UserClaims()) };
        return string.Join('&', request.ToForm().Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
    }

    private string OddlySignedToken(IssuerKey key, Dictionary<string, object> claims)
    {
        var header = new Dictionary<string, object>();
        for (var n = random.Next(1, 4); n > 0; n--)
        {
            claims[Pick(["iss", "sub", "aud", "exp", "nbf", "iat", "tenant", "jti", "act"])] = Pick(OddValues)!;
        }

        if (random.Next(3) == 0)
        {
            header[Pick(["kid", "typ", "crit", "cty", "x5t"])] = Pick(OddValues)!;
        }

        // JSON null for a missing value: the serializer writes it, which is one more oddity.
        return key.Sign(claims, header);
    }

    private object OddObject() => random.Next(3) switch
    {
        0 => new Dictionary<string, object?> { ["alg"] = Pick(OddValues), ["kid"] = Pick(OddValues), ["typ"] = Pick(OddValues) },
        1 => new Dictionary<string, object?> { ["iss"] = Pick(OddValues), ["exp"] = Pick(OddValues), ["sub"] = Pick(OddValues) },
        _ => Pick(OddValues) ?? "null",
    };

    private byte[] Bytes(int n)
    {
        var bytes = new byte[n];
        random.NextBytes(bytes);
        return bytes;
    }

    private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

    private static string Hex(int b) => b.ToString("X", System.Globalization.CultureInfo.InvariantCulture);
}
