<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN" sourcelanguage="en">
<context>
    <name>Banner</name>
    <message>
        <source>Dismiss</source>
        <translation>关闭</translation>
    </message>
</context>
<context>
    <name>ContextPanel</name>
    <message>
        <source>Item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Account</source>
        <translation>账号</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <source>Flagged by</source>
        <translation>举报来源</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>举报次数</translation>
    </message>
    <message>
        <source>Classifier score</source>
        <translation>模型评分</translation>
    </message>
    <message>
        <source>Suspected</source>
        <translation>疑似类别</translation>
    </message>
    <message>
        <source>This account before (%1)</source>
        <translation>该账号历史记录（%1）</translation>
    </message>
    <message>
        <source>Same media before (%1)</source>
        <translation>相同媒体历史记录（%1）</translation>
    </message>
    <message>
        <source>Earlier items with identical media (same SHA-256)</source>
        <translation>此前媒体完全相同（SHA-256 相同）的条目</translation>
    </message>
    <message>
        <source>History unavailable: %1</source>
        <translation>无法读取历史记录：%1</translation>
    </message>
</context>
<context>
    <name>DecisionFilterForm</name>
    <message>
        <source>&amp;From (UTC):</source>
        <translation>起始日期（UTC）(&amp;F)：</translation>
    </message>
    <message>
        <source>&amp;To (UTC):</source>
        <translation>截止日期（UTC）(&amp;T)：</translation>
    </message>
    <message>
        <source>&amp;Reviewer:</source>
        <translation>审核员(&amp;R)：</translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation>类别(&amp;C)：</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>处置措施(&amp;A)：</translation>
    </message>
    <message>
        <source>Untick for no limit</source>
        <translation>取消勾选表示不限</translation>
    </message>
    <message>
        <source>All reviewers</source>
        <translation>全部审核员</translation>
    </message>
    <message>
        <source>All categories</source>
        <translation>全部类别</translation>
    </message>
    <message>
        <source>All actions</source>
        <translation>全部处置措施</translation>
    </message>
    <message>
        <source>The start date is after the end date.</source>
        <translation>起始日期晚于截止日期。</translation>
    </message>
</context>
<context>
    <name>DecisionPanel</name>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Actions</source>
        <translation>处置措施</translation>
    </message>
    <message>
        <source>Note (Tab to type, Esc to leave)</source>
        <translation>备注（按 Tab 输入，按 Esc 离开）</translation>
    </message>
    <message>
        <source>This session</source>
        <translation>本次审核</translation>
    </message>
    <message>
        <source>Type a note for the team lead to escalate.</source>
        <translation>提交组长复核前，请填写给组长的备注。</translation>
    </message>
    <message>
        <source>Choose a category (1–7) or No violation (0).</source>
        <translation>请选择类别（1–7）或无违规（0）。</translation>
    </message>
    <message>
        <source>A note is required for: %1</source>
        <translation>以下选项必须填写备注：%1</translation>
    </message>
</context>
<context>
    <name>DeskActions</name>
    <message>
        <source>Record</source>
        <translation>提交</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>提交组长</translation>
    </message>
    <message>
        <source>Undo</source>
        <translation>撤销</translation>
    </message>
</context>
<context>
    <name>DeskBanners</name>
    <message>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <source>The queue could not be loaded: %1</source>
        <translation>无法加载队列：%1</translation>
    </message>
    <message>
        <source>Retry</source>
        <translation>重试</translation>
    </message>
    <message>
        <source>Time for a break: %1 min of review, %2 items reviewed. Look away from the screen for a few minutes.</source>
        <translation>该休息了：已连续审核 %1 分钟，共 %2 条。请将视线离开屏幕几分钟。</translation>
    </message>
    <message>
        <source>I took a break</source>
        <translation>我已休息</translation>
    </message>
    <message>
        <source>Remind me in 10 min</source>
        <translation>10 分钟后提醒我</translation>
    </message>
</context>
<context>
    <name>DeskTools</name>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
</context>
<context>
    <name>ExportDialog</name>
    <message>
        <source>Export decision log</source>
        <translation>导出审核记录</translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation>格式(&amp;O)：</translation>
    </message>
    <message>
        <source>CSV (spreadsheets)</source>
        <translation>CSV（电子表格）</translation>
    </message>
    <message>
        <source>JSON Lines</source>
        <translation>JSON Lines</translation>
    </message>
    <message>
        <source>&amp;Save to:</source>
        <translation>保存到(&amp;S)：</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>浏览(&amp;B)…</translation>
    </message>
    <message>
        <source>&amp;Export</source>
        <translation>导出(&amp;E)</translation>
    </message>
    <message>
        <source>Show in folder</source>
        <translation>在文件夹中显示</translation>
    </message>
    <message>
        <source>Copy path</source>
        <translation>复制路径</translation>
    </message>
    <message>
        <source>Rows exported so far: {rows}</source>
        <translation>已导出行数：{rows}</translation>
    </message>
    <message>
        <source>Export complete: {path}
Rows: {rows}
Final hash: {hash}</source>
        <translation>导出完成：{path}
行数：{rows}
最终哈希：{hash}</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>JSON Lines files (*.jsonl)</source>
        <translation>JSON Lines 文件 (*.jsonl)</translation>
    </message>
    <message>
        <source>Choose a file to export to.</source>
        <translation>请选择要导出到的文件。</translation>
    </message>
    <message>
        <source>Replace file?</source>
        <translation>替换文件？</translation>
    </message>
    <message>
        <source>{name} already exists. Replace it?</source>
        <translation>{name} 已存在。要替换吗？</translation>
    </message>
    <message>
        <source>Exporting…</source>
        <translation>正在导出…</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Export cancelled. No file was written.</source>
        <translation>导出已取消，未写入任何文件。</translation>
    </message>
    <message>
        <source>The disk is full. Free some space or choose another folder.</source>
        <translation>磁盘已满。请释放空间或选择其他文件夹。</translation>
    </message>
    <message>
        <source>You may not write in that folder. Choose another folder.</source>
        <translation>没有写入该文件夹的权限。请选择其他文件夹。</translation>
    </message>
    <message>
        <source>The decisions could not be read from the database.</source>
        <translation>无法从数据库读取审核记录。</translation>
    </message>
    <message>
        <source>The file could not be written. Check the folder and file name.</source>
        <translation>无法写入文件。请检查文件夹和文件名。</translation>
    </message>
    <message>
        <source>The export failed.</source>
        <translation>导出失败。</translation>
    </message>
    <message>
        <source>Could not read the reviewer list: {reason}</source>
        <translation>无法读取审核员列表：{reason}</translation>
    </message>
</context>
<context>
    <name>HelpOverlay</name>
    <message>
        <source>Keyboard shortcuts</source>
        <translation>键盘快捷键</translation>
    </message>
    <message>
        <source>Esc, F1 or ? closes this help</source>
        <translation>按 Esc、F1 或 ? 关闭帮助</translation>
    </message>
</context>
<context>
    <name>HistoryModel</name>
    <message>
        <source>Date</source>
        <translation>日期</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审核结论</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>%1 (undone)</source>
        <translation>%1（已撤销）</translation>
    </message>
</context>
<context>
    <name>ImageCanvas</name>
    <message>
        <source>Fit</source>
        <translation>适应窗口</translation>
    </message>
</context>
<context>
    <name>Keymap</name>
    <message>
        <source>Decide</source>
        <translation>审核</translation>
    </message>
    <message>
        <source>Navigate</source>
        <translation>浏览</translation>
    </message>
    <message>
        <source>View</source>
        <translation>查看</translation>
    </message>
    <message>
        <source>Tools</source>
        <translation>工具</translation>
    </message>
    <message>
        <source>Choose category 1</source>
        <translation>选择类别 1</translation>
    </message>
    <message>
        <source>Choose category 2</source>
        <translation>选择类别 2</translation>
    </message>
    <message>
        <source>Choose category 3</source>
        <translation>选择类别 3</translation>
    </message>
    <message>
        <source>Choose category 4</source>
        <translation>选择类别 4</translation>
    </message>
    <message>
        <source>Choose category 5</source>
        <translation>选择类别 5</translation>
    </message>
    <message>
        <source>Choose category 6</source>
        <translation>选择类别 6</translation>
    </message>
    <message>
        <source>Choose category 7</source>
        <translation>选择类别 7</translation>
    </message>
    <message>
        <source>No violation</source>
        <translation>无违规</translation>
    </message>
    <message>
        <source>Record the decision and go to the next item</source>
        <translation>提交审核结论并进入下一条</translation>
    </message>
    <message>
        <source>Skip (the item stays in the queue for others)</source>
        <translation>跳过（该条目留在队列中由他人审核）</translation>
    </message>
    <message>
        <source>Escalate to a team lead (note required)</source>
        <translation>提交组长复核（须填写备注）</translation>
    </message>
    <message>
        <source>Undo my last decision of this session</source>
        <translation>撤销本次审核中我的上一条结论</translation>
    </message>
    <message>
        <source>Next item (without deciding)</source>
        <translation>下一条（不作结论）</translation>
    </message>
    <message>
        <source>Previous item (without deciding)</source>
        <translation>上一条（不作结论）</translation>
    </message>
    <message>
        <source>Find by external id or account</source>
        <translation>按外部 ID 或账号查找</translation>
    </message>
    <message>
        <source>Reload the queue</source>
        <translation>刷新队列</translation>
    </message>
    <message>
        <source>Blur on/off</source>
        <translation>开启/关闭模糊</translation>
    </message>
    <message>
        <source>Grayscale on/off</source>
        <translation>开启/关闭灰度</translation>
    </message>
    <message>
        <source>Reveal while held</source>
        <translation>按住时显示原图</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
    <message>
        <source>Fit to window</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Play / pause video or animation</source>
        <translation>播放/暂停视频或动图</translation>
    </message>
    <message>
        <source>Previous filmstrip frame</source>
        <translation>上一帧（缩略帧）</translation>
    </message>
    <message>
        <source>Next filmstrip frame</source>
        <translation>下一帧（缩略帧）</translation>
    </message>
    <message>
        <source>Export the decision log</source>
        <translation>导出审核记录</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Keyboard help</source>
        <translation>键盘帮助</translation>
    </message>
    <message>
        <source>Quit</source>
        <translation>退出</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Moderator — %1</source>
        <translation>内容审核 — %1</translation>
    </message>
    <message>
        <source>Reviewer: %1 · Database: %2</source>
        <translation>审核员：%1 · 数据库：%2</translation>
    </message>
    <message>
        <source>No category is bound to key %1 in this policy.</source>
        <translation>当前审核规则中没有与按键 %1 对应的类别。</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) saving…</source>
        <translation>
            <numerusform>%n 条结论正在保存…</numerusform>
        </translation>
    </message>
    <message>
        <source>All decisions saved</source>
        <translation>所有结论均已保存</translation>
    </message>
    <message numerus="yes">
        <source>Saving %n decision(s) before closing…</source>
        <translation>
            <numerusform>正在保存 %n 个决定，保存完毕后关闭……</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>Messages</name>
    <message>
        <source>Choose a category (1–7) or No violation (0) first.</source>
        <translation>请先选择类别（1–7）或无违规（0）。</translation>
    </message>
    <message>
        <source>Escalating needs a note for the team lead: type it, then press E or Enter again.</source>
        <translation>提交组长复核需要填写给组长的备注：请输入备注，然后再按 E 或 Enter。</translation>
    </message>
    <message>
        <source>No item is selected.</source>
        <translation>未选中任何条目。</translation>
    </message>
    <message>
        <source>This item&apos;s last decision is still being saved.</source>
        <translation>该条目的上一条结论仍在保存中。</translation>
    </message>
    <message>
        <source>A note is required for: {labels}</source>
        <extracomment>{labels}: the policy&apos;s labels of what needs the note, in the reviewer&apos;s language.</extracomment>
        <translation>以下选项必须填写备注：{labels}</translation>
    </message>
    <message>
        <source>{text}</source>
        <translation>{text}</translation>
    </message>
    <message>
        <source>{reason}</source>
        <translation>{reason}</translation>
    </message>
</context>
<context>
    <name>Names</name>
    <message>
        <source>Douyin</source>
        <translation>抖音</translation>
    </message>
    <message>
        <source>Kuaishou</source>
        <translation>快手</translation>
    </message>
    <message>
        <source>Bilibili</source>
        <translation>哔哩哔哩</translation>
    </message>
    <message>
        <source>Weibo</source>
        <translation>微博</translation>
    </message>
    <message>
        <source>Xiaohongshu</source>
        <translation>小红书</translation>
    </message>
    <message>
        <source>Taobao</source>
        <translation>淘宝</translation>
    </message>
    <message>
        <source>WeChat</source>
        <translation>微信</translation>
    </message>
    <message>
        <source>User report</source>
        <translation>用户举报</translation>
    </message>
    <message>
        <source>Classifier</source>
        <translation>分类模型</translation>
    </message>
    <message>
        <source>Keyword match</source>
        <translation>关键词命中</translation>
    </message>
    <message>
        <source>Proactive sweep</source>
        <translation>主动巡查</translation>
    </message>
</context>
<context>
    <name>QueueModel</name>
    <message>
        <source>Type</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>平台</translation>
    </message>
    <message>
        <source>Flag reason</source>
        <translation>举报原因</translation>
    </message>
    <message>
        <source>Reports</source>
        <translation>举报次数</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>等待时长</translation>
    </message>
    <message>
        <source>Priority</source>
        <translation>优先级</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>Sticker</source>
        <translation>动图表情</translation>
    </message>
    <message>
        <source>Video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>Live clip</source>
        <translation>直播片段</translation>
    </message>
    <message>
        <source>Text</source>
        <translation>文本</translation>
    </message>
    <message>
        <source>saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <source>not saved</source>
        <translation>未保存</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已提交组长</translation>
    </message>
    <message>
        <source>decided</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>%1 min</source>
        <translation>%1 分钟</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 小时</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 天</translation>
    </message>
    <message>
        <source>the media could not be rendered</source>
        <translation>无法显示该媒体</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
</context>
<context>
    <name>QueueView</name>
    <message>
        <source>To review</source>
        <translation>待处理</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已提交组长</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>All</source>
        <translation>全部</translation>
    </message>
    <message>
        <source>All types</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>All platforms</source>
        <translation>全部平台</translation>
    </message>
    <message>
        <source>Priority first</source>
        <translation>优先级优先</translation>
    </message>
    <message>
        <source>Oldest first</source>
        <translation>最早优先</translation>
    </message>
    <message>
        <source>Find external id or account (Ctrl+F)</source>
        <translation>查找外部 ID 或账号（Ctrl+F）</translation>
    </message>
    <message>
        <source>counting…</source>
        <translation>正在计数…</translation>
    </message>
    <message>
        <source>%1 items</source>
        <translation>%1 条</translation>
    </message>
    <message>
        <source>%1 of %2 loaded</source>
        <translation>已加载 %1 / %2 条</translation>
    </message>
</context>
<context>
    <name>QuitConfirmation</name>
    <message>
        <source>Decisions not saved yet</source>
        <translation>决定尚未保存</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) could not be saved in the database yet:
%1

They are kept on this computer and will be saved the next time Moderator opens this database. Until then they are not in the team&apos;s logs or statistics. Quit now?</source>
        <translation>
            <numerusform>%n 个决定尚未能保存到数据库：
%1

它们已保留在本机，下次 Moderator 打开此数据库时会自动保存。在此之前，团队的日志和统计中不包含它们。现在退出吗？</numerusform>
        </translation>
    </message>
    <message>
        <source>Decisions not saved</source>
        <translation>结论未保存</translation>
    </message>
    <message numerus="yes">
        <source>%n decision(s) could not be saved yet:
%1

Quit anyway? They will be lost.</source>
        <translation>
            <numerusform>%n 个决定尚未能保存：
%1

仍要退出吗？这些决定将会丢失。</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ReviewSession</name>
    <message>
        <source>Nothing to undo in this session.</source>
        <translation>本次审核中没有可撤销的结论。</translation>
    </message>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept on this computer and retried automatically.</source>
        <translation>
            <numerusform>尚未保存：%1 —— %n 个决定已保留在本机，并将自动重试。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept and retried, but only in memory (%2): do not quit.</source>
        <translation>
            <numerusform>尚未保存：%1 —— %n 个决定会自动重试，但只保存在内存中（%2）：请不要退出程序。</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Not saved yet: %1 — %n decision(s) kept and retried automatically.</source>
        <translation>
            <numerusform>尚未保存：%1 —— %n 条结论已保留，将自动重试。</numerusform>
        </translation>
    </message>
    <message>
        <source>made in an earlier session, not saved then</source>
        <translation>在之前的会话中做出，当时未能保存</translation>
    </message>
    <message numerus="yes">
        <source>Saving %n decision(s) made earlier on this computer that the database could not take then.</source>
        <translation>
            <numerusform>正在保存之前在本机做出、当时数据库未能接收的 %n 个决定。</numerusform>
        </translation>
    </message>
    <message>
        <source>Some decisions kept from an earlier session could not be read and were not saved: %1</source>
        <translation>之前会话保留的部分决定无法读取，未能保存：%1</translation>
    </message>
    <message>
        <source>decided</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>escalated</source>
        <translation>已提交组长</translation>
    </message>
    <message>
        <source>undone</source>
        <translation>已撤销</translation>
    </message>
</context>
<context>
    <name>ReviewerPrompt</name>
    <message>
        <source>Who is reviewing?</source>
        <translation>审核员是谁？</translation>
    </message>
    <message>
        <source>Your name is recorded with every decision you make. It is asked once and remembered on this computer.</source>
        <translation>您作出的每条审核结论都会记录您的姓名。只需输入一次，本机会记住。</translation>
    </message>
    <message>
        <source>Reviewer name</source>
        <translation>审核员姓名</translation>
    </message>
</context>
<context>
    <name>SessionHistoryModel</name>
    <message>
        <source>Item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Decision</source>
        <translation>审核结论</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Skip</source>
        <translation>跳过</translation>
    </message>
    <message>
        <source>Escalate</source>
        <translation>提交组长复核</translation>
    </message>
    <message>
        <source>saving…</source>
        <translation>保存中…</translation>
    </message>
    <message>
        <source>not saved yet — retrying</source>
        <translation>尚未保存——正在重试</translation>
    </message>
    <message>
        <source>recorded</source>
        <translation>已记录</translation>
    </message>
    <message>
        <source>conflict — not recorded</source>
        <translation>冲突——未记录</translation>
    </message>
    <message>
        <source>refused — not recorded</source>
        <translation>被拒绝——未记录</translation>
    </message>
    <message>
        <source>undoing…</source>
        <translation>正在撤销…</translation>
    </message>
    <message>
        <source>undone</source>
        <translation>已撤销</translation>
    </message>
    <message>
        <source>undone before saving</source>
        <translation>保存前已撤销</translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Settings</source>
        <translation>设置</translation>
    </message>
    <message>
        <source>Language</source>
        <translation>语言</translation>
    </message>
    <message>
        <source>Blur media until revealed</source>
        <translation>默认模糊媒体，需手动显示原图</translation>
    </message>
    <message>
        <source>Blur strength</source>
        <translation>模糊强度</translation>
    </message>
    <message>
        <source>Show media in grayscale</source>
        <translation>以灰度显示媒体</translation>
    </message>
    <message>
        <source>Mute video sound</source>
        <translation>视频静音</translation>
    </message>
    <message>
        <source> min</source>
        <translation> 分钟</translation>
    </message>
    <message>
        <source>Remind me to take a break after</source>
        <translation>连续审核多久后提醒我休息</translation>
    </message>
</context>
<context>
    <name>StartupWindow</name>
    <message>
        <source>Moderator</source>
        <translation>内容审核</translation>
    </message>
    <message>
        <source>Opening the database…</source>
        <translation>正在打开数据库…</translation>
    </message>
    <message>
        <source>Preparing the sample queue…</source>
        <translation>正在准备示例队列…</translation>
    </message>
    <message>
        <source>Preparing the sample queue… (%1)</source>
        <translation>正在准备示例队列…（%1）</translation>
    </message>
</context>
<context>
    <name>StatsTableModel</name>
    <message>
        <source>Group</source>
        <translation>分组</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>名称</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>数值</translation>
    </message>
</context>
<context>
    <name>StatsView</name>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>刷新(&amp;R)</translation>
    </message>
    <message>
        <source>Charts</source>
        <translation>图表</translation>
    </message>
    <message>
        <source>Table</source>
        <translation>表格</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>已审核</translation>
    </message>
    <message>
        <source>Skipped</source>
        <translation>已跳过</translation>
    </message>
    <message>
        <source>Escalated</source>
        <translation>已提交组长</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>待审核</translation>
    </message>
    <message>
        <source>Under 1 hour</source>
        <translation>1 小时以内</translation>
    </message>
    <message>
        <source>1–4 hours</source>
        <translation>1–4 小时</translation>
    </message>
    <message>
        <source>4–24 hours</source>
        <translation>4–24 小时</translation>
    </message>
    <message>
        <source>Over 24 hours</source>
        <translation>超过 24 小时</translation>
    </message>
    <message>
        <source>no timed decisions</source>
        <translation>无计时数据</translation>
    </message>
    <message>
        <source>{seconds} s</source>
        <translation>{seconds} 秒</translation>
    </message>
    <message>
        <source>Counting…</source>
        <translation>正在统计…</translation>
    </message>
    <message>
        <source>The statistics could not be computed: {reason}</source>
        <translation>无法计算统计数据：{reason}</translation>
    </message>
    <message>
        <source>Could not read the reviewer list: {reason}</source>
        <translation>无法读取审核员列表：{reason}</translation>
    </message>
    <message>
        <source>Decisions: {decisions}
Median handling time: {median}
Undone (not counted): {undone}</source>
        <translation>审核结论：{decisions}
处理时长中位数：{median}
已撤销（不计入）：{undone}</translation>
    </message>
    <message>
        <source>Summary</source>
        <translation>概况</translation>
    </message>
    <message>
        <source>Decisions</source>
        <translation>审核结论</translation>
    </message>
    <message>
        <source>Median handling time</source>
        <translation>处理时长中位数</translation>
    </message>
    <message>
        <source>Timed decisions</source>
        <translation>有计时的结论</translation>
    </message>
    <message>
        <source>Undone (not counted)</source>
        <translation>已撤销（不计入）</translation>
    </message>
    <message>
        <source>Events</source>
        <translation>事件</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>类别</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>处置措施</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>Day (UTC)</source>
        <translation>日期（UTC）</translation>
    </message>
    <message>
        <source>Queue</source>
        <translation>队列</translation>
    </message>
    <message>
        <source>Open items by age</source>
        <translation>待处理条目等待时长</translation>
    </message>
    <message>
        <source>Decisions per category</source>
        <translation>各类别审核结论数</translation>
    </message>
    <message>
        <source>Decisions per day (UTC)</source>
        <translation>每日审核结论数（UTC）</translation>
    </message>
    <message>
        <source>Events per reviewer</source>
        <translation>各审核员事件数</translation>
    </message>
    <message>
        <source>Decisions per action</source>
        <translation>各处置措施结论数</translation>
    </message>
    <message>
        <source>Open items by time since flagged</source>
        <translation>待处理条目（按被举报以来的时长）</translation>
    </message>
</context>
<context>
    <name>Viewer</name>
    <message>
        <source>Play (Space)</source>
        <translation>播放（空格）</translation>
    </message>
    <message>
        <source>Hold to reveal (R)</source>
        <translation>按住显示原图（R）</translation>
    </message>
    <message>
        <source>No item selected. The queue may be empty for this filter.</source>
        <translation>未选中条目。当前筛选条件下的队列可能为空。</translation>
    </message>
    <message>
        <source>(this post has no text)</source>
        <translation>（该帖子没有文字）</translation>
    </message>
    <message>
        <source>This item has no media file. You can still decide it.</source>
        <translation>该条目没有媒体文件。您仍然可以对其作出审核结论。</translation>
    </message>
    <message>
        <source>The media could not be shown:
%1

You can still decide this item.</source>
        <translation>无法显示该媒体：
%1

您仍然可以对该条目作出审核结论。</translation>
    </message>
    <message>
        <source>unknown reason</source>
        <translation>原因不明</translation>
    </message>
    <message>
        <source>Preview not available: the media pipeline is not running.</source>
        <translation>无法预览：媒体处理服务未运行。</translation>
    </message>
    <message>
        <source>Loading preview…</source>
        <translation>正在加载预览…</translation>
    </message>
    <message>
        <source>Pause (Space)</source>
        <translation>暂停（空格）</translation>
    </message>
    <message>
        <source>Revealed</source>
        <translation>已显示原图</translation>
    </message>
    <message>
        <source>Blurred — hold R to reveal, B to turn blur off</source>
        <translation>已模糊——按住 R 显示原图，按 B 关闭模糊</translation>
    </message>
    <message>
        <source>Grayscale (G)</source>
        <translation>灰度（G）</translation>
    </message>
    <message>
        <source>Sound off</source>
        <translation>静音</translation>
    </message>
    <message>
        <source>Sound on</source>
        <translation>开启声音</translation>
    </message>
    <message>
        <source>This video cannot be played: the media pipeline has not checked it (yet).</source>
        <translation>无法播放该视频：媒体处理服务（尚）未完成检查。</translation>
    </message>
    <message>
        <source>Playback failed: %1</source>
        <translation>播放失败：%1</translation>
    </message>
</context>
<context>
    <name>WriteRunner</name>
    <message>
        <source>Could not undo: %1</source>
        <translation>无法撤销：%1</translation>
    </message>
    <message>
        <source>Not recorded: %1</source>
        <translation>未记录：%1</translation>
    </message>
</context>
<context>
    <name>main</name>
    <message>
        <source>The sample queue cannot be made: %1</source>
        <translation>无法生成示例队列：%1</translation>
    </message>
    <message>
        <source>Cannot start</source>
        <translation>无法启动</translation>
    </message>
</context>
</TS>
