namespace Chat.Testing;

/// <summary>
/// Tests send as fast as they like, often hundreds of messages as one person: every server a test
/// starts raises the per-person limits (issue 16) unless the test sets them itself, as the tests of
/// the limits do.
/// </summary>
public static class TestLimits
{
    public static readonly IReadOnlyDictionary<string, string?> Raised = new Dictionary<string, string?>
    {
        ["Limits:SendPerMinute"] = "1000000",
        ["Limits:ConversationsPerMinute"] = "1000000",
        ["Limits:SocketFramesPerMinute"] = "1000000",
    };

    /// <summary>The same, as environment variables for a service process.</summary>
    public static IEnumerable<KeyValuePair<string, string?>> AsEnvironment => Raised.Select(s => KeyValuePair.Create(s.Key.Replace(":", "__"), s.Value));
}
