using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Server.Http;
using Mandate.Server.Tests.Harness;
using Mandate.Testing;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// The real broker over HTTP: token exchanges built from a valid one (signed identity tokens with mutated
/// claims, authorization_details, DPoP proofs, CSRs for the x509 tool, field- and byte-level form damage,
/// odd content types) and introspection, revocation and evidence calls with mutated tokens.
/// Oracle: never 5xx; after any non-2xx answer the store holds exactly what it held before.
/// </summary>
internal sealed class BrokerHttpTarget(FuzzBroker fuzzBroker) : FuzzTarget<BrokerHttpTarget.Request>, IDisposable
{
    private static readonly string[] PlainParameters = ["requested_token_type", "requested_lifetime", "scope", "resource", "audience", "tenant", "run"];
    private static readonly string[] Endpoints = ["oauth2/token", "oauth2/introspect", "oauth2/revoke", "evidence"];
    private static readonly string[] ContentTypes =
    [
        "application/x-www-form-urlencoded; charset=utf-8", "application/x-www-form-urlencoded; charset=latin1", "application/json",
        "multipart/form-data; boundary=xyz", "text/plain", "application/x-www-form-urlencoded; charset=\"utf-8\"; x=", "",
    ];

    private readonly DpopProofs _dpop = new();
    private readonly CsrSeeds _csrs = new();

    private BrokerHarness Broker => fuzzBroker.Broker;

    public override string Name => "http";

    public override string Covers => "the broker on Kestrel: /oauth2/token, /oauth2/introspect, /oauth2/revoke, /evidence";

    public override TimeSpan SlowInput => TimeSpan.FromSeconds(10);

    public void Dispose()
    {
        _dpop.Dispose();
        _csrs.Dispose();
    }

    protected override Request Generate(Random random)
    {
        var endpoint = random.Next(5) == 0 ? Mutations.Pick(random, Endpoints) : Endpoints[0];
        var pairs = endpoint == Endpoints[0] ? Exchange(random) : [new("token", MutatedToken(random, random.Next(2) == 0)), new("token_type_hint", "access_token")];
        var variations = random.Next(1, 3);
        string? dpop = null;
        for (var v = 0; v < variations; v++)
        {
            switch (random.Next(10))
            {
                case 0:
                    break;
                case 1 or 2:
                    Set(pairs, random.Next(2) == 0 ? "actor_token" : "subject_token", MutatedToken(random, workload: random.Next(2) == 0));
                    break;
                case 3:
                    Set(pairs, "authorization_details", JsonMutations.Mutate(random, """[{"type":"refund","amount":80,"currency":"EUR"}]"""));
                    break;
                case 4:
                    Set(pairs, "resource", TestBroker.Crm);
                    Set(pairs, "scope", "crm:read");
                    Set(pairs, "mandate_csr", _csrs.NextText(random));
                    break;
                case 5:
                    var proof = _dpop.Create("POST", fuzzBroker.TokenUrl, Broker.Now);
                    var parts = proof.Split('.');
                    dpop = random.Next(4) == 0 ? proof : JwtMutations.Mutate(
                        random,
                        Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[0])),
                        Encoding.UTF8.GetString(Microsoft.IdentityModel.Tokens.Base64UrlEncoder.DecodeBytes(parts[1])),
                        data => _dpop.Key.ECDsa.SignData(data, System.Security.Cryptography.HashAlgorithmName.SHA256));
                    break;
                case 6:
                    Set(pairs, Mutations.Pick(random, PlainParameters),
                        Mutations.Pick(random, Mutations.HostileTokens));
                    break;
                default:
                    var mutated = FormSeeds.Mutate(random, pairs);
                    return new Request(endpoint, Encoding.UTF8.GetBytes(mutated), ContentType(random), dpop, Bearer(random, endpoint));
            }
        }

        var body = Encoding.UTF8.GetBytes(FormSeeds.Encode(pairs));
        if (random.Next(8) == 0)
        {
            body = Mutations.MutateBytes(random, body, 3);
        }

        return new Request(endpoint, body, ContentType(random), dpop, Bearer(random, endpoint));
    }

    protected override ValueTask<Verdict> CheckAsync(Request input) => fuzzBroker.OneCaseAsync(() => CheckAloneAsync(input));

    private async Task<Verdict> CheckAloneAsync(Request input)
    {
        var before = await fuzzBroker.ReadStateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, input.Endpoint) { Content = new ByteArrayContent(input.Body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", input.ContentType);
        if (input.Dpop is not null)
        {
            request.Headers.TryAddWithoutValidation("DPoP", HeaderSafe(input.Dpop));
        }

        if (input.Bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", HeaderSafe(input.Bearer));
        }

        OAuthReply reply;
        try
        {
            reply = await Broker.SendAsync(request);
        }
        catch (HttpRequestException) when (input.Body.Length > FormReader.MaxBodyBytes)
        {
            // Kestrel may answer 413 and close before the client has sent an oversized body; the client
            // then sees a reset instead of the answer. The store must still be unchanged.
            var afterReset = await fuzzBroker.ReadStateAsync();
            return before == afterReset ? Verdict.Refused : new Verdict(FuzzOutcome.StateChange, $"connection reset, store rows {before} -> {afterReset}");
        }

        var status = (int)reply.Status;
        if (status >= 500)
        {
            // The broker's own log says why; the finding carries it so the input and the stack arrive together.
            var logged = Broker.Logs.Lines.LastOrDefault(l => l.StartsWith("Error", StringComparison.Ordinal) || l.StartsWith("Critical", StringComparison.Ordinal));
            return new Verdict(FuzzOutcome.ServerError, FuzzFinding.Excerpt(reply.ToString()) + "\nbroker log: " + (logged ?? "(nothing logged)"));
        }

        if (status is >= 200 and < 300)
        {
            return Verdict.Accepted;
        }

        var after = await fuzzBroker.ReadStateAsync();
        return before == after
            ? Verdict.Refused
            : new Verdict(FuzzOutcome.StateChange, $"HTTP {status}, store rows {before} -> {after}: {FuzzFinding.Excerpt(reply.Body)}");
    }

    protected override string Describe(Request input) =>
        $"POST /{input.Endpoint} Content-Type: {FuzzFinding.Excerpt(input.ContentType)}; DPoP: {FuzzFinding.Excerpt(input.Dpop ?? "-")}; " +
        $"Bearer: {FuzzFinding.Excerpt(input.Bearer ?? "-")}; body: {FuzzFinding.Excerpt(input.Body)}";

    private List<KeyValuePair<string, string>> Exchange(Random random)
    {
        var valid = Broker.RefundRequest() with { RequestedTokenType = random.Next(10) == 0 ? ExchangeRequest.TxnTokenType : null };
        return [.. valid.ToForm()];
    }

    /// <summary>A workload or user token whose claims or header were mutated and signed again with the trusted issuer's key.</summary>
    private string MutatedToken(Random random, bool workload)
    {
        var key = workload ? Broker.WorkloadKey : Broker.UserKey;
        var claims = workload ? Broker.WorkloadClaims(TestBroker.SupportAgent) : Broker.UserClaims();
        var header = JsonSerializer.Serialize(new Dictionary<string, object> { ["alg"] = "ES256", ["typ"] = "JWT", ["kid"] = key.Kid });
        return JwtMutations.Mutate(random, header, JsonSerializer.Serialize(claims), RawJwt.Es256(key.Key));
    }

    private string? Bearer(Random random, string endpoint) =>
        endpoint == Endpoints[0] || random.Next(6) == 0 ? null
        : random.Next(3) == 0 ? MutatedToken(random, workload: true)
        : Broker.Svid(TestBroker.RefundsWorkload);

    private static string ContentType(Random random) =>
        random.Next(6) == 0 ? Mutations.Pick(random, ContentTypes) : "application/x-www-form-urlencoded";

    private static void Set(List<KeyValuePair<string, string>> pairs, string name, string value)
    {
        pairs.RemoveAll(p => p.Key == name);
        pairs.Add(new(name, value));
    }

    /// <summary>HttpClient refuses to send CR, LF or non-ASCII in a header; raw header bytes are another drill's job.</summary>
    private static string HeaderSafe(string value) => new([.. value.Where(c => c is >= ' ' and < (char)0x7F)]);

    internal sealed record Request(string Endpoint, byte[] Body, string ContentType, string? Dpop, string? Bearer);
}
