using Mandate.Core.Attestation;
using Mandate.Core.Configuration;
using Mandate.Core.Policy;
using Mandate.Core.Protocol;

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

    public WorkloadIdentity? Actor { get; set; }
    public AgentOptions? Agent { get; set; }
    public UserIdentity? User { get; set; }
    public SubjectKind Subject { get; set; }
    public ToolOptions? Tool { get; set; }
    public IReadOnlyList<string> Scopes { get; set; } = [];
    public string? Tenant { get; set; }
    public string Run { get; set; } = "";
    public string DecisionId { get; } = Ids.New("dec");
    public Decision? Decision { get; set; }

    public OAuthError? Error { get; private set; }
    public TokenExchangeResponse? Response { get; set; }

    public bool IsDone => Error is not null || Response is not null;

    public void Reject(OAuthError error) => Error = error;
}
