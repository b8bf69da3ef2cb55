using Chat.Shared;

namespace Chat.Storage.Tests;

// Finding messages again (issue 17): search within the reader's membership, stars, history backwards.
public abstract partial class MessageStoreContract
{
    /// <summary>Changes a stored message's text in place, as an edit (new text) or a delete (null) does.</summary>
    protected abstract Task SetTextAsync(string messageId, string? text);

    /// <summary>Whether the adapter matches the last word of a query as a prefix too (SQLite FTS5 does; MongoDB's text index cannot).</summary>
    protected virtual bool LastWordIsAPrefix => true;

    /// <summary>How many messages the big search test stores across its 50 conversations.</summary>
    protected virtual int SearchCorpusSize => 10_000;

    private Task<IReadOnlyList<SearchHit>> SearchAsync(string reader, string q, string? after = null, int limit = 50, string? conversation = null, string? from = null) =>
        Store.SearchAsync(new MessageQuery(reader, SearchText.WordsOf(q), conversation, from), after, limit);

    private static MessageToStore Said(string id, string conversation, string text, string from = "alice", string to = "bob") => new(
        new NewMessage(id, conversation, from, [to], ["app"], new MessagePayload("text", text, null), DateTimeOffset.UtcNow),
        [new Delivery(to, "app", MessageStatus.Sent)]);

    [SkippableFact]
    public async Task A_word_is_found_only_in_the_readers_conversations_newest_first_a_page_at_a_time()
    {
        // 50 groups; "ann" is in every fifth, "ben" in all. 10,000 messages; "zebracorn" once in each group.
        var groups = new List<string>();
        for (var g = 0; g < 50; g++)
        {
            var id = $"search-{g:00}";
            List<string> members = g % 5 == 0 ? ["ben", "ann", "cid"] : ["ben", "cid"];
            await Store.CreateConversationAsync(new Conversation(id, Conversation.Group, members, null, "ben", DateTimeOffset.UtcNow));
            groups.Add(id);
        }
        var perGroup = SearchCorpusSize / groups.Count;
        var batch = new List<MessageToStore>();
        for (var i = 0; i < perGroup; i++)
            foreach (var (group, g) in groups.Select((c, g) => (c, g)))
            {
                var text = i == perGroup / 2 ? $"the zebracorn of group {g}" : $"filler message {i} about nothing much in group {g}";
                if (i == perGroup / 2 && g % 5 != 0) text += " narwhal";
                batch.Add(Said($"{group}-{i}", group, text, from: "ben", to: "cid"));
                if (batch.Count < 500) continue;
                await Store.StoreAsync(batch);
                batch.Clear();
            }
        if (batch.Count > 0) await Store.StoreAsync(batch);

        var anns = await SearchAsync("ann", "Zebracorn");
        Assert.Equal(Enumerable.Range(0, 10).Select(k => $"search-{45 - 5 * k:00}-{perGroup / 2}"), anns.Select(h => h.Message.MessageId));
        Assert.Equal(50, (await SearchAsync("ben", "zebracorn", limit: 100)).Count);
        // "narwhal" is only where ann is no member.
        Assert.Empty(await SearchAsync("ann", "narwhal"));
        Assert.Equal(40, (await SearchAsync("cid", "narwhal", limit: 100)).Count);
        Assert.Empty(await SearchAsync("nobody", "zebracorn"));

        // A page at a time: each page continues after the last hit of the one before.
        var pages = new List<string>();
        string? after = null;
        do
        {
            var page = await SearchAsync("ann", "zebracorn", after, limit: 4);
            pages.AddRange(page.Select(h => h.Message.MessageId));
            after = page.Count == 4 ? page[^1].Message.MessageId : null;
        } while (after is not null);
        Assert.Equal(anns.Select(h => h.Message.MessageId), pages);

        var hit = anns[0];
        Assert.Equal("the zebracorn of group 45", hit.Snippet);
        Assert.Equal([new TextRange(4, 13)], hit.Highlights);
        Assert.Equal(["search-05-" + perGroup / 2], (await SearchAsync("ann", "zebracorn group 5", conversation: "search-05")).Select(h => h.Message.MessageId));
        Assert.Empty(await SearchAsync("ann", "zebracorn", from: "cid"));
    }

    [SkippableFact]
    public async Task Words_match_without_case_or_diacritics_and_no_input_is_query_syntax()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Said("accents", group, "Le résumé du Café"), Said("plain", group, "resume at the cafe"), Said("other", group, "nothing to see")]);

        Assert.Equal(["plain", "accents"], (await SearchAsync("bob", "RESUME")).Select(h => h.Message.MessageId));
        Assert.Equal(["plain", "accents"], (await SearchAsync("bob", "résumé café")).Select(h => h.Message.MessageId));
        var accented = (await SearchAsync("bob", "cafe resume")).Single(h => h.Message.MessageId == "accents");
        Assert.Equal("Le résumé du Café", accented.Snippet);
        Assert.Equal([new TextRange(3, 9), new TextRange(13, 17)], accented.Highlights);
        foreach (var syntax in new[] { "\"resume", "resume\"", "resume*", "(resume", "cafe:resume", "-cafe \"resume", "^resume", "{resume}", "'resume'" })
            Assert.Contains(await SearchAsync("bob", syntax), h => h.Message.MessageId is "plain" or "accents");
        if (LastWordIsAPrefix) Assert.Equal(["plain", "accents"], (await SearchAsync("bob", "caf")).Select(h => h.Message.MessageId));
    }

    [SkippableFact]
    public async Task A_text_changed_in_place_is_found_by_its_new_words_and_a_text_set_to_null_is_found_no_more()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Said("edited", group, "meet at the lighthouse"), Said("deleted", group, "the secret lighthouse code")]);

        await SetTextAsync("edited", "meet at the harbour");
        await SetTextAsync("deleted", null);

        Assert.Empty(await SearchAsync("bob", "lighthouse"));
        Assert.Equal(["edited"], (await SearchAsync("bob", "harbour")).Select(h => h.Message.MessageId));
        Assert.Empty(await SearchAsync("bob", "secret"));
    }

    [SkippableFact]
    public async Task A_member_removed_from_a_group_finds_only_what_came_before_the_removal()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Said("before", group, "kiwi before", to: "carol")]);
        await Store.ApplyChangeAsync(new ChangeEvent("remove-bob", group, new ChangeRequest(ChangeKinds.MemberRemoved, "alice", "bob", null, null), DateTimeOffset.UtcNow));
        await Store.StoreAsync([Said("after", group, "kiwi after", to: "carol")]);
        await Store.ApplyChangeAsync(new ChangeEvent("add-dave", group, new ChangeRequest(ChangeKinds.MemberAdded, "alice", "dave", null, null), DateTimeOffset.UtcNow));
        await Store.StoreAsync([Said("later", group, "kiwi later", to: "carol")]);

        Assert.Equal(["before"], (await SearchAsync("bob", "kiwi")).Select(h => h.Message.MessageId));
        Assert.Equal(["later"], (await SearchAsync("dave", "kiwi")).Select(h => h.Message.MessageId));
        Assert.Equal(["later", "after", "before"], (await SearchAsync("carol", "kiwi")).Select(h => h.Message.MessageId));
    }

    [SkippableFact]
    public async Task History_before_a_sequence_number_pages_backwards_within_the_readers_stretches()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        for (var i = 1; i <= 5; i++) await Store.StoreAsync([Said($"m{i}", group, $"message {i}")]);
        await Store.ApplyChangeAsync(new ChangeEvent("add-dave", group, new ChangeRequest(ChangeKinds.MemberAdded, "alice", "dave", null, null), DateTimeOffset.UtcNow));
        for (var i = 7; i <= 10; i++) await Store.StoreAsync([Said($"m{i}", group, $"message {i}")]);
        var stretches = await Store.MembershipAsync(group);

        async Task<IEnumerable<long>> Before(string reader, long before, int limit) =>
            (await Store.GetMessagesBeforeWithinAsync(group, stretches.Where(i => i.Username == reader).ToList(), before, limit)).Select(m => m.SequenceNumber);
        Assert.Equal([8L, 9L, 10L], await Before("bob", long.MaxValue, 3));
        Assert.Equal([5L, 6L, 7L], await Before("bob", 8, 3));
        Assert.Equal([1L, 2L], await Before("bob", 3, 3));
        Assert.Empty(await Before("bob", 1, 3));
        Assert.Equal([6L, 7L], await Before("dave", 8, 5));
        Assert.Empty(await Before("nobody", 8, 5));
    }

    [SkippableFact]
    public async Task Stars_are_each_users_own_the_newest_first_and_starring_again_keeps_the_first_time()
    {
        var group = await GroupAsync("g-" + Guid.NewGuid().ToString("N"));
        await Store.StoreAsync([Said("s1", group, "one"), Said("s2", group, "two"), Said("s3", group, "three")]);

        var first = await Store.StarAsync("bob", "s1");
        await Store.StarAsync("bob", "s2");
        await Store.StarAsync("bob", "s3");
        Assert.Equal(first, await Store.StarAsync("bob", "s1"));
        await Store.StarAsync("carol", "s2");

        Assert.Equal(["s3", "s2", "s1"], (await Store.StarredAsync("bob", null, 10)).Select(s => s.Message.MessageId));
        var page = await Store.StarredAsync("bob", null, 2);
        Assert.Equal(["s3", "s2"], page.Select(s => s.Message.MessageId));
        Assert.Equal(["s1"], (await Store.StarredAsync("bob", page[^1].Cursor, 2)).Select(s => s.Message.MessageId));
        Assert.Equal(("s1", "one", first), (await Store.StarredAsync("bob", page[^1].Cursor, 2)).Select(s => (s.Message.MessageId, s.Message.Payload.Text, s.StarredAt)).Single());

        await Store.UnstarAsync("bob", "s2");
        await Store.UnstarAsync("bob", "never-starred");
        Assert.Equal(["s3", "s1"], (await Store.StarredAsync("bob", null, 10)).Select(s => s.Message.MessageId));
        Assert.Equal(["s2"], (await Store.StarredAsync("carol", null, 10)).Select(s => s.Message.MessageId));
        Assert.Empty(await Store.StarredAsync("alice", null, 10));
    }
}
