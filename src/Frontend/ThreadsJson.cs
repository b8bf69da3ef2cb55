using Chat.Storage;

namespace Chat.Frontend;

/// <summary>One thread as its reader sees it: the root (with its <c>thread</c> summary), whether they follow it, their thread cursor and unread.</summary>
public sealed record ThreadItem(PublicMessage Root, bool Following, long LastReadSeq, long UnreadCount)
{
    public static ThreadItem Of(ThreadView t, string reader) => new(PublicMessage.Of(t.Root, reader), t.Following, t.LastReadSeq, t.UnreadCount);
}

/// <param name="NextCursor">The next page's <c>cursor</c>: the threads with older activity.</param>
public sealed record ThreadPage(IReadOnlyList<ThreadItem> Items, string? NextCursor);

/// <param name="NextAfterSeq">Reading forwards: the next page's <c>after_seq</c>, when the page was full.</param>
public sealed record ThreadResponse(ThreadItem Thread, IReadOnlyList<PublicMessage> Replies, long? NextAfterSeq);

public sealed record FollowResponse(string ThreadRoot, bool Following);

public sealed record ThreadReadRequest(long? UpToSeq);

public sealed record ThreadReadResponse(string ConversationId, string ThreadRoot, long UpToSeq);
