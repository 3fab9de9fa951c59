using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Protocol;
using Mandate.Core.Runs;
using Mandate.Policy;

namespace Mandate.Core.Exchange;

/// <summary>
/// One token request as it flows through the steps. Each step reads what earlier steps established
/// and either adds to it, rejects (sets <see cref="Error"/>) or completes (sets <see cref="Response"/>).
/// </summary>
public sealed partial class ExchangeContext
{
    public ExchangeContext(TokenExchangeRequest request, DateTimeOffset now)
    {
        Request = request;
        Now = now;
    }

    public TokenExchangeRequest Request { get; }

    /// <summary>One clock reading per request, so every check sees the same instant.</summary>
    public DateTimeOffset Now { get; }

    /// <summary>What is being asked for: a tool credential or a run token. Set by parameter validation.</summary>
    public ExchangeKind Kind { get; set; }

    /// <summary>The lifetime the caller asked for (<c>requested_lifetime</c>); more than allowed is refused.</summary>
    public TimeSpan? RequestedLifetime { get; set; }

    public WorkloadIdentity? Actor { get; set; }
    public AgentOptions? Agent { get; set; }
    public UserIdentity? User { get; set; }
    public SubjectKind Subject { get; set; }
    public ToolOptions? Tool { get; set; }
    public IReadOnlyList<string> Scopes { get; set; } = [];
    public string? Tenant { get; set; }
    public string Run { get; set; } = "";

    /// <summary>The run token presented as subject_token, verified against its stored run.</summary>
    public PresentedRunToken? SubjectRun { get; set; }

    /// <summary>The delegation chain of the credential: root agent first, the actor last.</summary>
    public IReadOnlyList<string> Actors { get; set; } = [];

    /// <summary>0 outside delegation; the run's depth inside a sub-agent's run.</summary>
    public int DelegationDepth { get; set; }

    /// <summary>Run token requests: what the run asks to be allowed (tools and scopes).</summary>
    public RunEnvelope? Envelope { get; set; }

    /// <summary>Run token requests: start a run, renew the presented one, or delegate to a sub-agent.</summary>
    public RunRequestMode RunMode { get; set; }
    public string DecisionId { get; } = Ids.New("dec");
    /// <summary>One decision per tool asked about (one for a credential, one per envelope tool for a run).</summary>
    public List<ToolDecision> Decisions { get; } = [];

    public OAuthError? Error { get; private set; }
    public TokenExchangeResponse? Response { get; set; }

    public bool IsDone => Error is not null || Response is not null;

    /// <summary>Server-only detail about a refusal (e.g. the validation library's message) for the log; never sent to the client.</summary>
    public string? RejectionDetail { get; private set; }

    public void Reject(OAuthError error, string? detail = null)
    {
        Error = error;
        RejectionDetail = detail;
    }
}
