namespace Mandate.Core.Spiffe;

/// <summary>
/// Picks the registration entry for an attested process: an entry matches when ALL its selectors match
/// (an entry without selectors never matches); of several, the oldest wins (created_at, then id), so
/// adding an entry never silently changes the identity of a process that already had one.
/// </summary>
public static class EntryMatcher
{
    public static RegistrationEntry? Match(IEnumerable<RegistrationEntry> entries, ProcessAttributes process)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(process);
        return entries
            .Where(e => e.Selectors.Count > 0 && e.Selectors.All(s => Selector.TryParse(s, out var selector, out _) && selector!.Matches(process)))
            .OrderBy(e => e.CreatedAt)
            .ThenBy(e => e.Id, StringComparer.Ordinal)
            .FirstOrDefault();
    }
}
