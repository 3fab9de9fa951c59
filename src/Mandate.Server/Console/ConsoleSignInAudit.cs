using Mandate.Core.Audit;
using Mandate.Core.Configuration;
using Mandate.Core.Storage;

namespace Mandate.Server.Console;

/// <summary>
/// Records every console sign-in, and every refused one, in the audit trail before the session starts: who (name,
/// issuer, subject), with which role and how (the identity provider or a one-time link). Never a token or a code.
/// </summary>
internal sealed class ConsoleSignInAudit
{
    public const string ByIdentityProvider = "oidc";
    public const string ByOneTimeLink = "one_time_link";

    private readonly IUnitOfWork _trail;
    private readonly MandateOptions _options;
    private readonly TimeProvider _time;

    public ConsoleSignInAudit(IUnitOfWork trail, MandateOptions options, TimeProvider time)
    {
        _trail = trail;
        _options = options;
        _time = time;
    }

    /// <summary>
    /// Records <paramref name="user"/> signing in by <paramref name="method"/>; a user without a role is recorded as
    /// refused. Throws <see cref="StoreUnavailableException"/> when it cannot be made durable: then no session starts.
    /// </summary>
    public Task RecordAsync(ConsoleUser user, string method, CancellationToken cancellationToken)
    {
        var refused = user.Role == ConsoleRole.None;
        var record = new AuditEvent
        {
            Kind = AuditKinds.ConsoleSignIn,
            Time = _time.GetUtcNow(),
            Outcome = refused ? "refused" : "signed_in",
            Reason = refused ? "no console role: none of the user's role claim values is mapped to viewer, approver or admin" : null,
            Node = _options.Node,
            Evidence = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["console_user"] = user.Actor,
                ["issuer"] = user.Issuer,
                ["subject"] = user.Subject,
                ["role"] = user.Role.ToString().ToLowerInvariant(),
                ["method"] = method,
            },
        };
        return _trail.CommitAsync(new StoreBatch(record), cancellationToken);
    }
}
