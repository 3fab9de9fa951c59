using System.Net.Http.Headers;
using System.Text;
using Mandate.Client;
using Mandate.Fuzz.Generation;
using Mandate.Fuzz.Running;
using Mandate.Server.Http;
using Mandate.Server.WorkloadApi;

namespace Mandate.Fuzz.Targets;

/// <summary>
/// The broker's JSON readers that refuse a member given twice (RFC 7493 §2.3): the evidence endpoint (posted with a
/// token from the CI issuer, so the body is read) and the workload API's JWT-SVID request (this process has an entry).
/// Besides structural mutation, member names get escapes that are no Unicode text (a lone surrogate) or that spell
/// another member, which the repeated-member check has to read. Oracle: never 5xx; a refusal changes nothing.
/// </summary>
internal sealed class JsonBodyTarget(FuzzBroker fuzzBroker) : FuzzTarget<JsonBodyTarget.Request>, IDisposable
{
    private static readonly string[] EvidenceSeeds =
    [
        """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"pass"}""",
        """{"kind":"eval","subject":"acme/shop@4f2a9c1","result":"fail","details":{"failed":3,"suite":"refunds","runs":[{"a":1},{"a":2}]}}""",
    ];

    private static readonly string[] WorkloadSeeds = ["""{"audience":"https://api.example"}""", """{"audience":"refunds"}"""];

    private static readonly string[] NameEscapes = [@"\ud800", @"\udfff", @"\ud83d", @"\udc00\ud800", @"\ud83d\ude00", @"\u0000", @"\u006b", "\\\""];

    private readonly HttpClient _workload = UnixSocketHttpClient.Create(fuzzBroker.Broker.Options.Spiffe.WorkloadSocket);

    public override string Name => "json_bodies";

    public override string Covers => "the JSON readers of POST /evidence and the workload API's POST /v1/svid/jwt";

    public override TimeSpan SlowInput => TimeSpan.FromSeconds(10);

    public void Dispose() => _workload.Dispose();

    protected override Request Generate(Random random)
    {
        var evidence = random.Next(2) == 0;
        var text = JsonMutations.Mutate(random, Mutations.Pick(random, evidence ? EvidenceSeeds : WorkloadSeeds));
        for (var i = random.Next(3); i > 0; i--)
        {
            text = EscapeInAName(random, text);
        }

        return new Request(evidence, Encoding.UTF8.GetBytes(text));
    }

    protected override ValueTask<Verdict> CheckAsync(Request input) => fuzzBroker.OneCaseAsync(() => CheckAloneAsync(input));

    private async Task<Verdict> CheckAloneAsync(Request input)
    {
        var before = await fuzzBroker.ReadStateAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, input.Evidence ? "evidence" : "v1/svid/jwt") { Content = new ByteArrayContent(input.Body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        int status;
        string answer;
        try
        {
            (status, answer) = await SendAsync(input, request);
        }
        catch (HttpRequestException) when (input.Body.Length > (input.Evidence ? FormReader.MaxBodyBytes : WorkloadEndpoints.MaxBodyBytes))
        {
            // The endpoint refuses an oversized body and closes while the client may still be sending it; the
            // client then sees a broken pipe instead of the answer. The store must still be unchanged.
            var afterReset = await fuzzBroker.ReadStateAsync();
            return before == afterReset ? Verdict.Refused : new Verdict(FuzzOutcome.StateChange, $"connection reset, store rows {before} -> {afterReset}");
        }

        if (status >= 500)
        {
            return new Verdict(FuzzOutcome.ServerError, $"HTTP {status}: {FuzzFinding.Excerpt(answer)}");
        }

        if (status is >= 200 and < 300)
        {
            return Verdict.Accepted;
        }

        var after = await fuzzBroker.ReadStateAsync();
        return before == after
            ? Verdict.Refused
            : new Verdict(FuzzOutcome.StateChange, $"HTTP {status}, store rows {before} -> {after}: {FuzzFinding.Excerpt(answer)}");
    }

    private async Task<(int Status, string Answer)> SendAsync(Request input, HttpRequestMessage request)
    {
        if (input.Evidence)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fuzzBroker.CiToken());
            var reply = await fuzzBroker.Broker.SendAsync(request);
            return ((int)reply.Status, reply.Body);
        }

        using var response = await _workload.SendAsync(request);
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    protected override string Describe(Request input) =>
        $"POST {(input.Evidence ? "/evidence" : "/v1/svid/jwt (workload socket)")} body: {FuzzFinding.Excerpt(input.Body)}";

    /// <summary>An escape written into a member name just before its closing quote (a name is a string followed by ':').</summary>
    private static string EscapeInAName(Random random, string text)
    {
        var ends = new List<int>();
        for (var i = text.IndexOf("\":", StringComparison.Ordinal); i >= 0; i = text.IndexOf("\":", i + 1, StringComparison.Ordinal))
        {
            ends.Add(i);
        }

        return ends.Count == 0 ? text : text.Insert(ends[random.Next(ends.Count)], Mutations.Pick(random, NameEscapes));
    }

    internal sealed record Request(bool Evidence, byte[] Body);
}
