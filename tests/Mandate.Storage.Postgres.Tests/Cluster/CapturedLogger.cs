using Mandate.Testing;
using Microsoft.Extensions.Logging;

namespace Mandate.Storage.Postgres.Tests.Cluster;

/// <summary>An <see cref="ILogger{T}"/> writing into <see cref="CapturedLogs"/> (the full logging package is not referenced here).</summary>
internal sealed class CapturedLogger<T>(CapturedLogs logs) : ILogger<T>
{
    private readonly ILogger _inner = logs.CreateLogger(typeof(T).FullName!);

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => _inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => _inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _inner.Log(logLevel, eventId, state, exception, formatter);
}
