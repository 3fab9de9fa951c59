using System.Collections.Concurrent;
using Mandate.Core;
using Mandate.Core.Audit;
using Mandate.Core.Introspection;

namespace Mandate.Server.Proxy;

/// <summary>
/// Finds the policy rule that granted a credential, from the credential's own issuance record in the audit
/// trail (looked up by jti). The answer never changes for a jti, so it is cached until the credential expires.
/// </summary>
internal sealed class ProxyGrantingRules
{
    private const int MaxCached = 50_000;
    private readonly IMandateStore _store;
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<string, (string? Rule, DateTimeOffset Until)> _cache = new(StringComparer.Ordinal);

    public ProxyGrantingRules(IMandateStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    public async Task<string?> FindAsync(IssuedToken credential, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(credential.Jti, out var hit))
        {
            return hit.Rule;
        }

        string? rule = null;
        await foreach (var record in _store.ReadAuditAsync(new AuditQuery { Jti = credential.Jti, Kind = AuditKinds.Issuance, Limit = 1 }, cancellationToken))
        {
            rule = record.Event.Rule;
        }

        if (_cache.Count >= MaxCached)
        {
            var now = _time.GetUtcNow();
            foreach (var (jti, entry) in _cache)
            {
                if (entry.Until <= now)
                {
                    _cache.TryRemove(jti, out _);
                }
            }
        }

        if (rule is not null && _cache.Count < MaxCached)
        {
            _cache[credential.Jti] = (rule, credential.ExpiresAt);
        }

        return rule;
    }
}
