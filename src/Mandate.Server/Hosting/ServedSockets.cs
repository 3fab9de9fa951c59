namespace Mandate.Server.Hosting;

/// <summary>The Unix sockets this broker serves, with the file mode each is published under once bound.</summary>
internal sealed record ServedSockets(IReadOnlyList<(UnixSocketFile File, UnixFileMode Mode)> All);
