using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Mandate.ResourceServer;

/// <summary>
/// What outlives one request, per authentication scheme: the key cache, the SPIFFE bundle cache, the introspection
/// cache and the DPoP replay cache. Handlers are created per request; this singleton keeps their shared state.
/// </summary>
internal sealed class MandateTokenState : IDisposable
{
    private readonly ConcurrentDictionary<string, Entry> _schemes = new(StringComparer.Ordinal);
    private readonly ILoggerFactory _loggers;

    public MandateTokenState(ILoggerFactory loggers) => _loggers = loggers;

    public Entry For(string scheme, MandateTokenOptions options, TimeProvider time) =>
        _schemes.GetOrAdd(scheme, _ => new Entry(options, time, _loggers.CreateLogger<MandateTokenHandler>()));

    /// <summary>The scheme's caches if a request has created them.</summary>
    public Entry? Find(string scheme) => _schemes.GetValueOrDefault(scheme);

    public void Dispose()
    {
        foreach (var entry in _schemes.Values)
        {
            entry.Dispose();
        }
    }

    /// <summary>One scheme's caches.</summary>
    public sealed class Entry : IDisposable
    {
        private readonly HttpClient? _ownedHttp;

        public Entry(MandateTokenOptions options, TimeProvider time, ILogger logger)
        {
            var http = options.Backchannel ?? (_ownedHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) });
            Keys = new BrokerDocumentCache<BrokerKeys>(http, options, time, logger, e => e.JwksUri, BrokerKeys.Parse);
            Bundle = new BrokerDocumentCache<BrokerBundle>(http, options, time, logger, e => e.SpiffeBundleUri, BrokerBundle.Parse);
            Introspection = new IntrospectionCache(http, options.Introspection, time);
            Confirmation = new ConfirmationState(options, time);
        }

        public BrokerDocumentCache<BrokerKeys> Keys { get; }

        /// <summary>Mandate's SPIFFE bundle, fetched only when a tool credential certificate is presented.</summary>
        public BrokerDocumentCache<BrokerBundle> Bundle { get; }

        public IntrospectionCache Introspection { get; }

        public ConfirmationState Confirmation { get; }

        public void Dispose()
        {
            Keys.Dispose();
            Bundle.Dispose();
            _ownedHttp?.Dispose();
        }
    }
}
