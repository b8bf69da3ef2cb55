namespace Chat.Presence.Calls.Storage;

/// <summary>Calls and their state, kept outside any one Presence node so a call outlives the node that rang it.</summary>
public interface ICallStore
{
    Task<Call> CreateAsync(Call call, CancellationToken cancellationToken = default);

    Task<Call?> FindAsync(string callId, CancellationToken cancellationToken = default);

    /// <summary>Stores <paramref name="changed"/> only if the stored call is still at <paramref name="changed"/>'s version minus one; false when another change came first.</summary>
    Task<bool> UpdateAsync(Call changed, CancellationToken cancellationToken = default);

    /// <summary>The calls <paramref name="username"/> took part in, newest first, before <paramref name="beforeSequence"/> (0: from the newest).</summary>
    Task<IReadOnlyList<Call>> HistoryAsync(string username, long beforeSequence, int limit, CancellationToken cancellationToken = default);

    /// <summary>Calls still ringing that started before <paramref name="startedBefore"/>: their ring timed out.</summary>
    Task<IReadOnlyList<Call>> RingingSinceBeforeAsync(DateTimeOffset startedBefore, CancellationToken cancellationToken = default);
}
