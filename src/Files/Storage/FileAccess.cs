using Chat.Shared.Http;
using Chat.Storage;

namespace Chat.Files;

public static class FileAccess
{
    /// <summary>
    /// The uploader (or a client acting for them), and whoever was a member of a conversation when a
    /// message carried the file there (a message within their membership), may read and send it on.
    /// </summary>
    public static async Task<bool> MayReadAsync(this FileRecord file, Caller caller, IMessageStore messages, CancellationToken cancellationToken)
    {
        if (file.Owner == caller.Subject || caller.MayActAs(file.Owner)) return true;
        foreach (var conversationId in file.SharedIn)
        {
            var visible = GroupRules.VisibleTo(await messages.MembershipAsync(conversationId, cancellationToken), caller.MayActAs);
            if (visible.Count == 0) continue;
            var carried = await messages.FileMessageSequencesAsync(conversationId, file.FileId, cancellationToken);
            if (carried.Any(seq => visible.Any(i => i.Contains(seq)))) return true;
        }
        return false;
    }
}
