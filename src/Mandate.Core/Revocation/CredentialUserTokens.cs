using System.Globalization;
using Mandate.Core.Audit;

namespace Mandate.Core.Revocation;

/// <summary>
/// The user token each issued credential rests on, as its issuance record says (<c>user_iat</c>, <c>user_tenant</c>),
/// remembered by jti, so that judging a credential against a tenant or user revocation made before it was issued
/// (<see cref="PrincipalStanding.CoveringCredentialAsync"/>) reads the audit trail once per credential: an issuance
/// record never changes. Thread-safe.
/// </summary>
internal sealed class CredentialUserTokens
{
    /// <summary>Credentials remembered before starting over.</summary>
    public const int MaxEntries = 65_536;

    private readonly RememberedReads<UserToken> _tokens = new(MaxEntries);
    private readonly IAuditLog _audit;

    public CredentialUserTokens(IAuditLog audit) => _audit = audit;

    /// <summary>
    /// The user token credential <paramref name="jti"/> was issued on: its <c>iat</c> and its tenant, each null when
    /// the issuance record does not say (no record, a token without <c>iat</c>, a credential issued on another one).
    /// </summary>
    public ValueTask<UserToken> FindAsync(string jti, CancellationToken cancellationToken) =>
        _tokens.GetAsync(jti, ReadAsync, cancellationToken);

    private async Task<UserToken> ReadAsync(string jti, CancellationToken cancellationToken)
    {
        await foreach (var record in _audit.ReadAuditAsync(new AuditQuery { Jti = jti, Kind = AuditKinds.Issuance, Limit = 1 }, cancellationToken))
        {
            var evidence = record.Event.Evidence;
            return new UserToken(
                evidence.TryGetValue("user_iat", out var iat) && long.TryParse(iat, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                    ? DateTimeOffset.FromUnixTimeSeconds(seconds)
                    : null,
                evidence.GetValueOrDefault("user_tenant"));
        }

        return UserToken.Unknown;
    }

    /// <summary>What an issuance record says of the user token a credential rests on.</summary>
    public sealed record UserToken(DateTimeOffset? IssuedAt, string? Tenant)
    {
        /// <summary>No record, or one that names no user token.</summary>
        public static readonly UserToken Unknown = new(null, null);
    }
}
