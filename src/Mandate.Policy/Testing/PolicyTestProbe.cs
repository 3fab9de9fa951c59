namespace Mandate.Policy.Testing;

/// <summary>What a YAML file found in a test folder is; <see cref="Problem"/> says why an unreadable one failed.</summary>
public sealed record PolicyTestProbe(PolicyTestFileKind Kind, string? Problem);
