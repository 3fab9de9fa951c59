using System.Text.Json;
using static Mandate.Server.Tests.Harness.TestBroker;

namespace Mandate.Server.Tests.Harness;

/// <summary>
/// Run exchanges as tests write them: start a run, renew or delegate its run token, and ask for a tool
/// credential inside it. Every request is a real RFC 8693 exchange against the broker.
/// </summary>
internal static class RunExchanges
{
    /// <summary>The envelope the support agent starts its runs with unless a test says otherwise.</summary>
    public const string RefundsEnvelope = "refunds:read refunds:write";

    /// <summary><paramref name="agent"/> starts a run for the user of <paramref name="subjectToken"/> (alice by default).</summary>
    public static ExchangeRequest StartRunRequest(this BrokerHarness broker, string agent = SupportAgent, string scope = RefundsEnvelope, string? subjectToken = null) => new()
    {
        ActorToken = broker.Svid(agent),
        SubjectToken = subjectToken ?? broker.UserToken(),
        RequestedTokenType = ExchangeRequest.TxnTokenType,
        Scope = scope,
    };

    /// <summary>Starts a run and requires success; returns the run token.</summary>
    public static async Task<string> StartRunAsync(this BrokerHarness broker, string agent = SupportAgent, string scope = RefundsEnvelope, string? subjectToken = null) =>
        Expect.Issued(await broker.ExchangeAsync(broker.StartRunRequest(agent, scope, subjectToken)));

    /// <summary>
    /// <paramref name="actor"/> presents <paramref name="runToken"/> for a new run token: a renewal when it is the
    /// run's agent, a child run when it is a sub-agent.
    /// </summary>
    public static ExchangeRequest RunTokenRequest(this BrokerHarness broker, string runToken, string actor, string? scope = null) => new()
    {
        ActorToken = broker.Svid(actor),
        SubjectToken = runToken,
        SubjectTokenType = ExchangeRequest.TxnTokenType,
        RequestedTokenType = ExchangeRequest.TxnTokenType,
        Scope = scope,
    };

    /// <summary>Delegates (or renews) and requires success; returns the new run token.</summary>
    public static async Task<string> DelegateAsync(this BrokerHarness broker, string runToken, string subAgent, string? scope = null) =>
        Expect.Issued(await broker.ExchangeAsync(broker.RunTokenRequest(runToken, subAgent, scope)));

    /// <summary><paramref name="agent"/> asks for a credential for <paramref name="tool"/> inside the run of <paramref name="runToken"/>.</summary>
    public static ExchangeRequest InRunRequest(this BrokerHarness broker, string runToken, string agent = SupportAgent, string tool = Refunds, string scope = "refunds:write") => new()
    {
        ActorToken = broker.Svid(agent),
        SubjectToken = runToken,
        SubjectTokenType = ExchangeRequest.TxnTokenType,
        Resource = tool,
        Scope = scope,
    };

    /// <summary>Issues a credential inside a run and requires success; returns it.</summary>
    public static async Task<string> IssueInRunAsync(this BrokerHarness broker, string runToken, string agent = SupportAgent, string tool = Refunds, string scope = "refunds:write") =>
        Expect.Issued(await broker.ExchangeAsync(broker.InRunRequest(runToken, agent, tool, scope)));

    /// <summary>RFC 7009 on the run token, authenticated as <paramref name="caller"/>: how an agent ends its run.</summary>
    public static Task<OAuthReply> EndRunAsync(this BrokerHarness broker, string runToken, string caller) =>
        broker.RevokeAsync(runToken, broker.Svid(caller));

    /// <summary>Whether the tool of <paramref name="toolWorkload"/> is told the credential is active.</summary>
    public static async Task<bool> ActiveAsync(this BrokerHarness broker, string credential, string toolWorkload = RefundsWorkload) =>
        IntrospectionReply.Active(await broker.IntrospectAsync(credential, broker.Svid(toolWorkload)));

    /// <summary>The run id (<c>txn</c>) of a run token.</summary>
    public static string RunId(string runToken) => IssuedTokens.Read(runToken).GetPayloadValue<string>("txn");

    /// <summary>The <c>act</c> chain of a token, outermost (current actor) first.</summary>
    public static List<string> ActChain(string token)
    {
        var chain = new List<string>();
        var act = IssuedTokens.Read(token).GetPayloadValue<JsonElement>("act");
        while (act.ValueKind == JsonValueKind.Object)
        {
            chain.Add(act.GetProperty("sub").GetString()!);
            act = act.TryGetProperty("act", out var inner) ? inner : default;
        }

        return chain;
    }

    /// <summary>The run token's <c>azd</c> (authorization context) claim.</summary>
    public static JsonElement Azd(string runToken) => IssuedTokens.Read(runToken).GetPayloadValue<JsonElement>("azd");
}
