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
    <name>ClaimsModel</name>
    <message>
        <source>Item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>Since</source>
        <translation>领取时间</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>到期时间</translation>
    </message>
</context>
<context>
    <name>ClaimsSection</name>
    <message>
        <source>&amp;Release</source>
        <translation>释放(&amp;R)</translation>
    </message>
    <message>
        <source>Give the item back to everyone</source>
        <translation>将该条目退回公共队列，所有审核员均可领取</translation>
    </message>
    <message>
        <source>Hand &amp;to:</source>
        <translation>转派给(&amp;T)：</translation>
    </message>
    <message>
        <source>Re&amp;assign</source>
        <translation>转派(&amp;A)</translation>
    </message>
    <message>
        <source>The chosen reviewer holds the item now, with a fresh lease</source>
        <translation>由所选审核员立即领取该条目，并重新计算领取时限</translation>
    </message>
    <message>
        <source>%1 (online)</source>
        <translation>%1（在线）</translation>
    </message>
</context>
<context>
    <name>ClusterBatch</name>
    <message>
        <source>The previous batch is still being saved.</source>
        <translation>上一批决定仍在保存中。</translation>
    </message>
    <message>
        <source>Still reading the other items with this picture: try again in a moment.</source>
        <translation>正在读取使用这张图片的其他条目，请稍后再试。</translation>
    </message>
    <message>
        <source>No other undecided item has this picture: Enter records this one.</source>
        <translation>没有其他待处理的条目使用这张图片：按回车只记录本条。</translation>
    </message>
    <message>
        <source>Recorded “%1” for %2 items with the same picture. Ctrl+Z undoes them all.</source>
        <translation>已为同一图片的 %2 个条目记录“%1”。按 Ctrl+Z 可全部撤销。</translation>
    </message>
    <message>
        <source>The cluster&apos;s %1 decisions could not be saved together (%2). Each is kept and saved on its own.</source>
        <translation>同组 %1 条结论未能一并保存（%2）。每条结论均已保留，将逐条保存。</translation>
    </message>
    <message>
        <source>Nothing was recorded for the cluster: %1</source>
        <translation>该组条目未记录任何决定：%1</translation>
    </message>
    <message>
        <source>Undone: the %1 decisions of the batch.</source>
        <translation>已撤销：本批的 %1 个决定。</translation>
    </message>
</context>
<context>
    <name>ClusterStrip</name>
    <message numerus="yes">
        <source>%n other item(s) with this picture (%1 undecided)</source>
        <translation>
            <numerusform>另有 %n 个条目使用这张图片（%1 个待处理）</numerusform>
        </translation>
    </message>
    <message>
        <source>Shift+Enter decides them all</source>
        <translation>Shift+回车 一并处理</translation>
    </message>
    <message>
        <source>Decided before: %1</source>
        <translation>此前的决定：%1</translation>
    </message>
</context>
<context>
    <name>ConflictsModel</name>
    <message>
        <source>Item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>Decided</source>
        <translation>审核时间</translation>
    </message>
    <message>
        <source>Their decision</source>
        <translation>其审核结论</translation>
    </message>
    <message>
        <source>Recorded now</source>
        <translation>当前记录</translation>
    </message>
    <message>
        <source>nothing (the item is open)</source>
        <translation>无（条目待审核）</translation>
    </message>
    <message>
        <source>%1 — %2</source>
        <translation>%1 — %2</translation>
    </message>
</context>
<context>
    <name>ConflictsSection</name>
    <message>
        <source>A&amp;ccept…</source>
        <translation>采纳(&amp;C)…</translation>
    </message>
    <message>
        <source>Record the late decision now, under your name, on top of what is recorded</source>
        <translation>以您的名义立即记录这条迟到的结论，覆盖当前记录</translation>
    </message>
    <message>
        <source>Dis&amp;miss…</source>
        <translation>驳回(&amp;M)…</translation>
    </message>
    <message>
        <source>Keep what is recorded; the late decision is marked dismissed</source>
        <translation>保留当前记录，将这条迟到的结论标记为已驳回</translation>
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
        <source>Matches %1: %2</source>
        <translation>命中 %1：%2</translation>
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
        <source>Importing is for team leads.</source>
        <translation>导入仅限组长使用。</translation>
    </message>
    <message>
        <source>Statistics</source>
        <translation>统计</translation>
    </message>
    <message>
        <source>The lead console is for team leads.</source>
        <translation>组长控制台仅供组长使用。</translation>
    </message>
</context>
<context>
    <name>EscalationsModel</name>
    <message>
        <source>Item</source>
        <translation>条目</translation>
    </message>
    <message>
        <source>Escalated by</source>
        <translation>提交人</translation>
    </message>
    <message>
        <source>When</source>
        <translation>提交时间</translation>
    </message>
    <message>
        <source>Note</source>
        <translation>备注</translation>
    </message>
    <message>
        <source>Flagged: %1</source>
        <translation>标记原因：%1</translation>
    </message>
</context>
<context>
    <name>EscalationsSection</name>
    <message>
        <source>&amp;Open at my desk</source>
        <translation>在我的工作台打开(&amp;O)</translation>
    </message>
    <message>
        <source>Show the item at your desk and decide it there</source>
        <translation>在您的工作台中显示该条目，并在那里作出审核结论</translation>
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
    <name>HourlyModel</name>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>Total</source>
        <translation>合计</translation>
    </message>
    <message>
        <source>%1:00–%2:00 UTC</source>
        <translation>%1:00–%2:00（UTC）</translation>
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
    <name>ImportDialog</name>
    <message>
        <source>Import flagged items</source>
        <translation>导入被标记的内容</translation>
    </message>
    <message>
        <source>&amp;Source:</source>
        <translation>来源(&amp;S)：</translation>
    </message>
    <message>
        <source>a .csv or .jsonl manifest, or a folder</source>
        <translation>.csv 或 .jsonl 清单，或一个文件夹</translation>
    </message>
    <message>
        <source>&amp;Manifest…</source>
        <translation>清单(&amp;M)…</translation>
    </message>
    <message>
        <source>&amp;Folder…</source>
        <translation>文件夹(&amp;F)…</translation>
    </message>
    <message>
        <source>&amp;Platform:</source>
        <translation>平台(&amp;P)：</translation>
    </message>
    <message>
        <source>for rows that name no platform</source>
        <translation>用于未注明平台的行</translation>
    </message>
    <message>
        <source>Columns</source>
        <translation>列</translation>
    </message>
    <message>
        <source>L&amp;oad mapping…</source>
        <translation>载入映射(&amp;O)…</translation>
    </message>
    <message>
        <source>Sa&amp;ve mapping…</source>
        <translation>保存映射(&amp;V)…</translation>
    </message>
    <message>
        <source>Preview (first {count} rows, mapping applied)</source>
        <translation>预览（前 {count} 行，已应用映射）</translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation>导入(&amp;I)</translation>
    </message>
    <message>
        <source>Import a manifest</source>
        <translation>导入清单</translation>
    </message>
    <message>
        <source>Manifests (*.csv *.jsonl *.ndjson)</source>
        <translation>清单文件 (*.csv *.jsonl *.ndjson)</translation>
    </message>
    <message>
        <source>Import a folder</source>
        <translation>导入文件夹</translation>
    </message>
    <message>
        <source>Reading {path}…</source>
        <translation>正在读取 {path}…</translation>
    </message>
    <message>
        <source>Mapping saved to {path}</source>
        <translation>映射已保存到 {path}</translation>
    </message>
    <message>
        <source>Map a column to each required field first: {fields}</source>
        <translation>请先为每个必需字段映射一列：{fields}</translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation>正在导入…</translation>
    </message>
    <message>
        <source>Rows read so far: {rows}</source>
        <translation>已读取行数：{rows}</translation>
    </message>
    <message>
        <source>Cancelling…</source>
        <translation>正在取消…</translation>
    </message>
    <message>
        <source>Imported: {imported} · duplicates: {duplicates} · rejected: {rejected}</source>
        <translation>已导入：{imported} · 重复：{duplicates} · 拒绝：{rejected}</translation>
    </message>
    <message>
        <source>Import cancelled: the rows imported before stay imported.</source>
        <translation>导入已取消：取消前已导入的行保持导入。</translation>
    </message>
    <message>
        <source>The import stopped: {reason}</source>
        <translation>导入已中止：{reason}</translation>
    </message>
</context>
<context>
    <name>Keymap</name>
    <message>
        <source>File</source>
        <translation>文件</translation>
    </message>
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
        <source>Import…</source>
        <translation>导入…</translation>
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
        <source>Record the decision for every undecided item with this picture</source>
        <translation>为使用这张图片的所有待处理条目记录此决定</translation>
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
        <source>Lead console (team leads)</source>
        <translation>组长控制台（仅限组长）</translation>
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
    <name>LeadConsole</name>
    <message>
        <source>Could not read the team&apos;s state: %1</source>
        <translation>无法读取团队状态：%1</translation>
    </message>
    <message>
        <source>Lead console</source>
        <translation>组长控制台</translation>
    </message>
    <message>
        <source>Online now (%1)</source>
        <translation>当前在线（%1）</translation>
    </message>
    <message>
        <source>Decisions per hour today (UTC)</source>
        <translation>今日每小时审核量（UTC）</translation>
    </message>
    <message>
        <source>Claims (%1)</source>
        <translation>已领取条目（%1）</translation>
    </message>
    <message>
        <source>Escalations waiting (%1)</source>
        <translation>待组长复核（%1）</translation>
    </message>
    <message>
        <source>Conflicts to adjudicate (%1)</source>
        <translation>待裁定冲突（%1）</translation>
    </message>
    <message>
        <source>Not done: %1</source>
        <translation>操作未完成：%1</translation>
    </message>
    <message>
        <source>Released %1 (held by %2): it is open to everyone again.</source>
        <translation>已释放 %1（原由 %2 领取），所有审核员均可再次领取。</translation>
    </message>
    <message>
        <source>%1 is now held by %2.</source>
        <translation>%1 现已转派给 %2。</translation>
    </message>
    <message>
        <source>Accept the late decision?</source>
        <translation>采纳这条迟到的审核结论？</translation>
    </message>
    <message>
        <source>Record %1&apos;s decision on %2 (%3) now, under your name, on top of what is recorded (%4)? Its note will say whose decision it was.</source>
        <translation>是否以您的名义立即记录 %1 对 %2 作出的审核结论（%3），覆盖当前已记录的结论（%4）？备注中将注明该结论的原审核员。</translation>
    </message>
    <message>
        <source>Dismiss the late decision?</source>
        <translation>驳回这条迟到的审核结论？</translation>
    </message>
    <message>
        <source>Dismiss %1&apos;s decision on %2 (%3)? Nothing is recorded; what is recorded stays (%4).</source>
        <translation>是否驳回 %1 对 %2 作出的审核结论（%3）？不会记录任何新结论，当前已记录的结论保持不变（%4）。</translation>
    </message>
    <message>
        <source>&amp;Accept</source>
        <translation>采纳(&amp;A)</translation>
    </message>
    <message>
        <source>&amp;Dismiss</source>
        <translation>驳回(&amp;D)</translation>
    </message>
    <message>
        <source>%1&apos;s decision on %2 is recorded, under your name.</source>
        <translation>已以您的名义记录 %1 对 %2 的审核结论。</translation>
    </message>
    <message>
        <source>%1&apos;s decision on %2 is dismissed.</source>
        <translation>已驳回 %1 对 %2 的审核结论。</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>Sign in to the team database</source>
        <translation>登录团队数据库</translation>
    </message>
    <message>
        <source>Password of %1 on %2:</source>
        <translation>%1 在 %2 上的密码：</translation>
    </message>
    <message>
        <source>The password is not stored. To sign in without typing it, use ~/.pgpass.</source>
        <translation>密码不会被保存。如需免输入登录，请使用 ~/.pgpass。</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>That item is not there any more: it changed meanwhile (another lead may have decided it).</source>
        <translation>该条目已不在此处：其状态已发生变化（可能已由其他组长作出审核结论）。</translation>
    </message>
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
    <message>
        <source>Decide the cluster</source>
        <translation>处理整组</translation>
    </message>
    <message>
        <source>Record “%1” for %2 items: this one and %3 others with the same picture?</source>
        <translation>为 %2 个条目记录“%1”：本条及另外 %3 个使用同一图片的条目？</translation>
    </message>
    <message>
        <source>Enter records them all · Esc cancels</source>
        <translation>回车全部记录 · Esc 取消</translation>
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
    <message>
        <source>Saving the cluster&apos;s decisions before closing…</source>
        <translation>正在保存同组结论，保存后关闭…</translation>
    </message>
    <message numerus="yes">
        <source>Saving %n decision(s) before closing…</source>
        <translation>
            <numerusform>正在保存 %n 个决定，保存完毕后关闭……</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MappingFiles</name>
    <message>
        <source>Column mapping</source>
        <translation>列映射</translation>
    </message>
    <message>
        <source>Mappings (*.toml)</source>
        <translation>映射文件 (*.toml)</translation>
    </message>
</context>
<context>
    <name>MappingTable</name>
    <message>
        <source>Column in the file</source>
        <translation>文件中的列</translation>
    </message>
    <message>
        <source>Imported as</source>
        <translation>导入为字段</translation>
    </message>
    <message>
        <source>(not imported)</source>
        <translation>（不导入）</translation>
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
        <source>{reviewer} is working on this item (until {until}): you can look, not decide.</source>
        <translation>{reviewer} 正在处理此内容（至 {until}）：您可以查看，但不能处置。</translation>
    </message>
    <message>
        <source>This item was escalated to the team leads: only a lead can decide it.</source>
        <translation>此内容已上报组长：只有组长可以处置。</translation>
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
        <source>media failed verification</source>
        <translation>媒体未通过校验</translation>
    </message>
    <message>
        <source>media removed by retention policy on {date}</source>
        <translation>媒体已于 {date} 按保留策略删除</translation>
    </message>
    <message>
        <source>the media is not stored in the team database</source>
        <translation>团队数据库中没有存储该媒体</translation>
    </message>
    <message>
        <source>cannot fetch the media from the team database: {detail}</source>
        <translation>无法从团队数据库获取媒体：{detail}</translation>
    </message>
    <message>
        <source>the file changed while it was being stored: {path}</source>
        <translation>文件在存储过程中发生了变化：{path}</translation>
    </message>
    <message>
        <source>cannot read the media file {path}: {reason}</source>
        <translation>无法读取媒体文件 {path}：{reason}</translation>
    </message>
    <message>
        <source>cannot write the export: {reason}</source>
        <translation>无法写入导出文件：{reason}</translation>
    </message>
    <message>
        <source>unknown format {fmt!r}; use csv or jsonl</source>
        <translation>未知格式 {fmt!r}；请使用 csv 或 jsonl</translation>
    </message>
    <message>
        <source>export cancelled after {rows} rows; no file was written</source>
        <translation>已导出 {rows} 行后取消；未写入任何文件</translation>
    </message>
    <message>
        <source>{path} is a folder; give a file name</source>
        <translation>{path} 是文件夹；请指定文件名</translation>
    </message>
    <message>
        <source>cannot write {path}: the folder {folder} does not exist</source>
        <translation>无法写入 {path}：文件夹 {folder} 不存在</translation>
    </message>
    <message>
        <source>cannot write in {folder}: {reason}</source>
        <translation>无法在 {folder} 中写入：{reason}</translation>
    </message>
    <message>
        <source>cannot write {path}: {reason}</source>
        <translation>无法写入 {path}：{reason}</translation>
    </message>
    <message>
        <source>{path} is empty: not a decision-log export</source>
        <translation>{path} 为空：不是导出的审核记录</translation>
    </message>
    <message>
        <source>{reason}</source>
        <translation>{reason}</translation>
    </message>
    <message>
        <source>OK: {rows} rows, final hash {final_hash}</source>
        <translation>校验通过：共 {rows} 行，末行哈希 {final_hash}</translation>
    </message>
    <message>
        <source>not a decision-log export</source>
        <translation>不是处置日志导出文件</translation>
    </message>
    <message>
        <source>no header line: this is not a decision-log export</source>
        <translation>缺少表头行：这不是处置日志导出文件</translation>
    </message>
    <message>
        <source>the header line is not the format-{version} header (edited, or not an export)</source>
        <translation>表头行不是第 {version} 版格式的表头（已被修改，或不是导出文件）</translation>
    </message>
    <message>
        <source>the file does not start with the UTF-8 BOM: it was re-saved by another program</source>
        <translation>文件开头没有 UTF-8 BOM：已被其他程序重新保存</translation>
    </message>
    <message>
        <source>{path} is not UTF-8 text ({reason}): not an export, or damaged</source>
        <translation>{path} 不是 UTF-8 文本（{reason}）：不是导出文件，或已损坏</translation>
    </message>
    <message>
        <source>cannot read {path}: {reason}</source>
        <translation>无法读取 {path}：{reason}</translation>
    </message>
    <message>
        <source>malformed CSV ({reason})</source>
        <translation>CSV 格式错误（{reason}）</translation>
    </message>
    <message>
        <source>malformed CSV ({reason}), at the end of the file</source>
        <translation>CSV 格式错误（{reason}），位于文件末尾</translation>
    </message>
    <message>
        <source>has {cells} cells instead of {expected}</source>
        <translation>有 {cells} 个单元格，而不是 {expected} 个</translation>
    </message>
    <message>
        <source>not valid JSON ({reason})</source>
        <translation>不是有效的 JSON（{reason}）</translation>
    </message>
    <message>
        <source>has a prev_hash or row_hash that is not a string</source>
        <translation>prev_hash 或 row_hash 不是字符串</translation>
    </message>
    <message>
        <source>is not a decision-log row (members missing, added or out of order)</source>
        <translation>不是处置日志行（字段缺失、多出或顺序错误）</translation>
    </message>
    <message>
        <source>row {row} {problem}: the file was edited</source>
        <translation>第 {row} 行{problem}：文件已被修改</translation>
    </message>
    <message>
        <source>the file was cut short: row {row} {problem} and the seal is missing</source>
        <translation>文件被截断：第 {row} 行{problem}，且缺少封印</translation>
    </message>
    <message>
        <source>the file was cut short: row {row} is incomplete and the seal is missing</source>
        <translation>文件被截断：第 {row} 行不完整，且缺少封印</translation>
    </message>
    <message>
        <source>the file was cut short after row {row}: the seal is missing</source>
        <translation>文件在第 {row} 行之后被截断：缺少封印</translation>
    </message>
    <message>
        <source>row {row} (seq {seq}) was edited: its content does not match its row_hash</source>
        <translation>第 {row} 行（序号 {seq}）已被修改：内容与其 row_hash 不符</translation>
    </message>
    <message>
        <source>row {row} has its exported values but not its exported bytes: the file was re-saved by another program (e.g. a spreadsheet); verify the original file</source>
        <translation>第 {row} 行的值与导出时相同，但字节不同：文件已被其他程序（如电子表格）重新保存；请校验原始文件</translation>
    </message>
    <message>
        <source>row {row} was inserted: row {next_row} follows row {before} in the exported chain</source>
        <translation>第 {row} 行是被插入的：在导出的哈希链中，第 {next_row} 行紧接第 {before} 行</translation>
    </message>
    <message>
        <source>row {row} (seq {seq}) is out of order: rows were reordered</source>
        <translation>第 {row} 行（序号 {seq}）顺序错误：行已被重新排序</translation>
    </message>
    <message>
        <source>row {row} (seq {seq}) was inserted: it is not part of the exported chain</source>
        <translation>第 {row} 行（序号 {seq}）是被插入的：不属于导出的哈希链</translation>
    </message>
    <message>
        <source>row {row} (seq {seq}) does not follow row {previous}: one or more rows before it were deleted</source>
        <translation>第 {row} 行（序号 {seq}）未接续第 {previous} 行：其前有一行或多行被删除</translation>
    </message>
    <message>
        <source>the seal is missing: the file was cut short after row {rows} (or its seal removed)</source>
        <translation>缺少封印：文件在第 {rows} 行之后被截断（或封印被删除）</translation>
    </message>
    <message>
        <source>the seal is damaged or cut short (not valid JSON: {reason})</source>
        <translation>封印已损坏或被截断（不是有效的 JSON：{reason}）</translation>
    </message>
    <message>
        <source>the seal is damaged (not a seal object)</source>
        <translation>封印已损坏（不是封印对象）</translation>
    </message>
    <message>
        <source>the seal row is damaged</source>
        <translation>封印行已损坏</translation>
    </message>
    <message>
        <source>the seal was edited: its seal_hash does not match its content</source>
        <translation>封印已被修改：seal_hash 与内容不符</translation>
    </message>
    <message>
        <source>unsupported format {name!r} version {version!r}</source>
        <translation>不支持的格式 {name!r}，版本 {version!r}</translation>
    </message>
    <message>
        <source>the seal says {sealed!r} but the file is {fmt}</source>
        <translation>封印标明为 {sealed!r}，但文件是 {fmt}</translation>
    </message>
    <message>
        <source>the seal says {sealed} rows but the file has {rows}: rows were deleted or added at the end</source>
        <translation>封印标明共 {sealed} 行，但文件有 {rows} 行：末尾有行被删除或添加</translation>
    </message>
    <message>
        <source>the seal&apos;s final_hash does not match the last row: the end of the file was changed</source>
        <translation>封印中的 final_hash 与最后一行不符：文件末尾已被修改</translation>
    </message>
    <message>
        <source>the seal line was re-formatted (re-saved by another program)</source>
        <translation>封印行的格式已被改动（被其他程序重新保存）</translation>
    </message>
    <message>
        <source>there is content after the seal: rows were appended</source>
        <translation>封印之后还有内容：有行被追加</translation>
    </message>
    <message>
        <source>{value!r} is not a date (YYYY-MM-DD) or an ISO 8601 time (2026-11-23T08:00:00Z)</source>
        <translation>{value!r} 不是日期（YYYY-MM-DD），也不是 ISO 8601 时间（2026-11-23T08:00:00Z）</translation>
    </message>
    <message>
        <source>{value!r} is not a valid date (YYYY-MM-DD)</source>
        <translation>{value!r} 不是有效日期（YYYY-MM-DD）</translation>
    </message>
    <message>
        <source>the start ({since}) is after the end ({until})</source>
        <translation>起始时间（{since}）晚于截止时间（{until}）</translation>
    </message>
    <message>
        <source>unknown category code {code!r}; known: {known}</source>
        <translation>未知的类别代码 {code!r}；可用代码：{known}</translation>
    </message>
    <message>
        <source>unknown action code {code!r}; known: {known}</source>
        <translation>未知的处置措施代码 {code!r}；可用代码：{known}</translation>
    </message>
    <message>
        <source>{detail}</source>
        <translation>{detail}</translation>
    </message>
    <message>
        <source>unknown category code {code!r}</source>
        <translation>未知的类别代码 {code!r}</translation>
    </message>
    <message>
        <source>unknown action code {code!r}</source>
        <translation>未知的处置措施代码 {code!r}</translation>
    </message>
    <message>
        <source>a note is required for: {labels}</source>
        <translation>以下选项必须填写备注：{labels}</translation>
    </message>
    <message>
        <source>the database is locked by another program: the decision was not saved yet. It will be retried when the lock is released.</source>
        <translation>数据库已被其他程序锁定：审核结论尚未保存。锁定解除后将自动重试。</translation>
    </message>
    <message>
        <source>the disk is full: the decision was not saved. Free some space and try again.</source>
        <translation>磁盘已满：审核结论未保存。请释放空间后重试。</translation>
    </message>
    <message>
        <source>the database is read-only: the decision was not saved. Check the file&apos;s permissions or the server&apos;s settings.</source>
        <translation>数据库为只读：审核结论未保存。请检查文件权限或服务器设置。</translation>
    </message>
    <message>
        <source>cannot reach the database: {detail}</source>
        <translation>无法连接数据库：{detail}</translation>
    </message>
    <message>
        <source>lost the connection to the database server: {detail}</source>
        <translation>与数据库服务器的连接已断开：{detail}</translation>
    </message>
    <message>
        <source>the database server is restarting or shutting down: {detail}</source>
        <translation>数据库服务器正在重启或关闭：{detail}</translation>
    </message>
    <message>
        <source>the file is not a database (or it is damaged); choose another file</source>
        <translation>该文件不是数据库（或已损坏），请选择其他文件</translation>
    </message>
    <message>
        <source>the database file cannot be read or written: {detail}</source>
        <translation>无法读写数据库文件：{detail}</translation>
    </message>
    <message>
        <source>cannot use the database location ({path}): {reason}</source>
        <translation>无法使用数据库位置（{path}）：{reason}</translation>
    </message>
    <message>
        <source>cannot use the database location: {reason}</source>
        <translation>无法使用数据库位置：{reason}</translation>
    </message>
    <message>
        <source>cannot open the database {db}: {reason}</source>
        <translation>无法打开数据库 {db}：{reason}</translation>
    </message>
    <message>
        <source>not a database file path or URL: {detail}</source>
        <translation>不是数据库文件路径或 URL：{detail}</translation>
    </message>
    <message>
        <source>there is no database at {path} (check --db / MODERATOR_DB; `moderator-cli import` or `demo` creates one)</source>
        <translation>{path} 处没有数据库（请检查 --db / MODERATOR_DB；可用 `moderator-cli import` 或 `demo` 创建）</translation>
    </message>
    <message>
        <source>the database server refused the login: wrong user name or password ({detail})</source>
        <translation>数据库服务器拒绝登录：用户名或密码错误（{detail}）</translation>
    </message>
    <message>
        <source>the database server asks for a password (none was found in PGPASSWORD, ~/.pgpass or a service file)</source>
        <translation>数据库服务器要求输入密码（在 PGPASSWORD、~/.pgpass 或服务文件中均未找到）</translation>
    </message>
    <message>
        <source>the database server refused this: {detail}</source>
        <translation>数据库服务器拒绝了此操作：{detail}</translation>
    </message>
    <message>
        <source>the policy file cannot be used: {detail}</source>
        <translation>无法使用审核规则文件：{detail}</translation>
    </message>
    <message>
        <source>the database reported an error: {detail}</source>
        <translation>数据库报告错误：{detail}</translation>
    </message>
    <message>
        <source>the item was changed by {reviewer} ({kind}, {when} UTC) since you opened it; nothing was recorded</source>
        <translation>你打开该条目后，{reviewer} 已对其作出变更（{kind}，UTC {when}）；本次未作记录</translation>
    </message>
    <message>
        <source>the item was changed by someone else since you opened it; nothing was recorded</source>
        <translation>你打开该条目后，其他人已对其作出变更；本次未作记录</translation>
    </message>
    <message>
        <source>the item changed since you opened it (an earlier decision was undone)</source>
        <translation>你打开该条目后，条目已发生变化（此前的审核结论已被撤销）</translation>
    </message>
    <message>
        <source>that decision has already been undone</source>
        <translation>该审核结论已被撤销</translation>
    </message>
    <message>
        <source>the event could not be recorded: {detail}</source>
        <translation>无法记录该事件：{detail}</translation>
    </message>
    <message>
        <source>{reason} — your decision is kept for a team lead to adjudicate</source>
        <translation>{reason}——您的处置已保留，等待组长裁定</translation>
    </message>
    <message>
        <source>{reviewer} is working on this item (until {until} UTC); nothing was recorded</source>
        <translation>{reviewer} 正在处理此内容（至 UTC {until}）；未记录任何内容</translation>
    </message>
    <message>
        <source>this item was escalated to the team leads: only a lead may decide it</source>
        <translation>此内容已上报组长：只有组长可以处置</translation>
    </message>
    <message>
        <source>events are recorded under your own login ({login}); nothing was recorded</source>
        <translation>处置只能以您本人的登录名（{login}）记录；未记录任何内容</translation>
    </message>
    <message>
        <source>you may undo only your own decisions; nothing was recorded</source>
        <translation>你只能撤销自己的审核结论；未记录任何内容</translation>
    </message>
    <message>
        <source>the server refused a hash-list match that the stored signatures do not show (content {sha}); nothing was saved</source>
        <translation>服务器拒绝了一条已存特征值无法证实的哈希列表匹配（内容 {sha}）；未保存任何内容</translation>
    </message>
    <message>
        <source>the server refused a duplicate link that the stored signatures do not show (content {sha}); nothing was saved</source>
        <translation>服务器拒绝了一条已存特征值无法证实的重复关联（内容 {sha}）；未保存任何内容</translation>
    </message>
    <message>
        <source>this desk records decisions under policy version {version!r}, but the team&apos;s policy is {current!r}: update moderator_gui, or ask the database owner to run `moderator-cli team init` with it</source>
        <translation>本工作台按审核规则版本 {version!r} 记录结论，但团队的审核规则版本是 {current!r}：请更新 moderator_gui，或请数据库所有者用此版本运行 `moderator-cli team init`</translation>
    </message>
    <message>
        <source>the server refused the event&apos;s time ({when} UTC; the server&apos;s clock says {now} UTC): check this computer&apos;s date and clock</source>
        <translation>服务器拒绝了该事件的时间（{when} UTC；服务器时钟为 {now} UTC）：请检查本机的日期和时钟</translation>
    </message>
    <message>
        <source>the server refused a malformed event: {detail}</source>
        <translation>服务器拒绝了格式有误的事件：{detail}</translation>
    </message>
    <message>
        <source>only a team lead may do this ({what})</source>
        <translation>只有组长可以执行此操作（{what}）</translation>
    </message>
    <message>
        <source>the team database needs an upgrade that only its owner can make: ask your lead to run `moderator-cli team init` with this version of moderator_gui</source>
        <translation>团队数据库需要升级，只有其所有者可以执行：请组长用此版本的 moderator_gui 运行 `moderator-cli team init`</translation>
    </message>
    <message>
        <source>{name!r} is not a usable login name (letters, digits, _ . -; at most 63; not starting with a digit)</source>
        <translation>{name!r} 不是可用的登录名（仅限字母、数字、_ . -；最多 63 个字符；不能以数字开头）</translation>
    </message>
    <message>
        <source>team mode needs a PostgreSQL server; {db} is not one (a SQLite file is for one workstation)</source>
        <translation>团队模式需要 PostgreSQL 服务器；{db} 不是（SQLite 文件仅供单台工作站使用）</translation>
    </message>
    <message>
        <source>no open conflict {conflict_id}</source>
        <translation>没有待处理的冲突 {conflict_id}</translation>
    </message>
    <message>
        <source>no item {item_id}</source>
        <translation>条目 {item_id} 不存在</translation>
    </message>
    <message>
        <source>no event {uuid}</source>
        <translation>事件 {uuid} 不存在</translation>
    </message>
    <message>
        <source>a reviewer name is required</source>
        <translation>必须填写审核员姓名</translation>
    </message>
    <message>
        <source>unknown event kind {kind!r}</source>
        <translation>未知的事件类型 {kind!r}</translation>
    </message>
    <message>
        <source>time spent on the item cannot be negative ({ms} ms)</source>
        <translation>条目处理用时不能为负数（{ms} 毫秒）</translation>
    </message>
    <message>
        <source>decided_at must be an aware datetime (UTC), not a naive one</source>
        <translation>decided_at 必须是带时区的时间（UTC），不能是不带时区的时间</translation>
    </message>
    <message>
        <source>use Store.revert() to undo an event</source>
        <translation>撤销事件请使用 Store.revert()</translation>
    </message>
    <message>
        <source>choose a category (or No violation) before recording</source>
        <translation>记录前请先选择类别（或无违规）</translation>
    </message>
    <message>
        <source>a {kind} event carries no category</source>
        <translation>{kind} 事件不能附带类别</translation>
    </message>
    <message>
        <source>an undo cannot itself be undone; record a new decision instead</source>
        <translation>撤销本身不能再被撤销；请改为记录新的审核结论</translation>
    </message>
    <message>
        <source>event {uuid} undoes {target}, which is not an earlier event of item {item_id}</source>
        <translation>事件 {uuid} 撤销的是 {target}，但它不是条目 {item_id} 此前的事件</translation>
    </message>
    <message>
        <source>the migrations have {count} heads; the chain must be linear</source>
        <translation>数据库迁移脚本有 {count} 个分支末端；迁移链必须是线性的</translation>
    </message>
    <message>
        <source>the database is at schema revision {revision!r}, which this version of moderator_gui does not know (it was made by a newer version); upgrade the program</source>
        <translation>数据库的结构版本为 {revision!r}，当前版本的 moderator_gui 无法识别（该数据库由更新的版本创建）；请升级程序</translation>
    </message>
    <message>
        <source>made in an earlier session, not saved then</source>
        <translation>在之前的会话中做出，当时未能保存</translation>
    </message>
    <message>
        <source>the demo samples file {path} is malformed: {key}: {problem}</source>
        <translation>演示样本文件 {path} 格式错误：{key}：{problem}</translation>
    </message>
    <message>
        <source>platform {platform} must be 1-{limit} characters</source>
        <translation>平台名称 {platform} 须为 1-{limit} 个字符</translation>
    </message>
    <message>
        <source>source not found: {path}</source>
        <translation>找不到导入来源：{path}</translation>
    </message>
    <message>
        <source>cannot read folder {path}: permission denied</source>
        <translation>无法读取文件夹 {path}：权限不足</translation>
    </message>
    <message>
        <source>{path} is not a folder, a .jsonl manifest or a .csv manifest (see docs/manifest.md)</source>
        <translation>{path} 既不是文件夹，也不是 .jsonl 或 .csv 清单（参见 docs/manifest.md）</translation>
    </message>
    <message>
        <source>{path} is {kind}, not a manifest file</source>
        <translation>{path} 是{kind}，不是清单文件</translation>
    </message>
    <message>
        <source>{path}: empty CSV manifest (no header line)</source>
        <translation>{path}：CSV 清单为空（没有表头行）</translation>
    </message>
    <message>
        <source>{path}: header (line {line}) is not a CSV header</source>
        <translation>{path}：表头（第 {line} 行）不是有效的 CSV 表头</translation>
    </message>
    <message>
        <source>{path}: header (line {line}): {reason}</source>
        <translation>{path}：表头（第 {line} 行）：{reason}</translation>
    </message>
    <message>
        <source>{path}: header (line {line}): duplicate column(s) {columns}</source>
        <translation>{path}：表头（第 {line} 行）：列名重复：{columns}</translation>
    </message>
    <message>
        <source>{path}: header (line {line}): missing required column(s) {columns}; the header has {present} (map its columns with --map COLUMN=FIELD; see docs/manifest.md)</source>
        <translation>{path}：表头（第 {line} 行）：缺少必需的列：{columns}；表头中的列为 {present}（可用 --map 列名=字段 映射；参见 docs/manifest.md）</translation>
    </message>
    <message>
        <source>a FIFO</source>
        <translation>命名管道（FIFO）</translation>
    </message>
    <message>
        <source>a character device</source>
        <translation>字符设备</translation>
    </message>
    <message>
        <source>a block device</source>
        <translation>块设备</translation>
    </message>
    <message>
        <source>a socket</source>
        <translation>套接字</translation>
    </message>
    <message>
        <source>not a regular file</source>
        <translation>非普通文件</translation>
    </message>
    <message>
        <source>line {line}</source>
        <translation>第 {line} 行</translation>
    </message>
    <message>
        <source>file not found: {path}</source>
        <translation>找不到文件：{path}</translation>
    </message>
    <message>
        <source>permission denied: {path}</source>
        <translation>权限不足：{path}</translation>
    </message>
    <message>
        <source>{path} is a folder, not a file</source>
        <translation>{path} 是文件夹，不是文件</translation>
    </message>
    <message>
        <source>{path} is {kind}, not a media file</source>
        <translation>{path} 是{kind}，不是媒体文件</translation>
    </message>
    <message>
        <source>{path} is not a regular file</source>
        <translation>{path} 不是普通文件</translation>
    </message>
    <message>
        <source>empty file (0 bytes): {path}</source>
        <translation>空文件（0 字节）：{path}</translation>
    </message>
    <message>
        <source>not a recognised image or video format (first bytes: {head})</source>
        <translation>无法识别的图片或视频格式（文件开头字节：{head}）</translation>
    </message>
    <message>
        <source>cannot read folder: {reason}</source>
        <translation>无法读取文件夹：{reason}</translation>
    </message>
    <message>
        <source>symlink points outside the import root (to {target})</source>
        <translation>符号链接指向导入根目录之外（指向 {target}）</translation>
    </message>
    <message>
        <source>path is {length} characters; an external id can have at most {limit}</source>
        <translation>路径长度为 {length} 个字符；外部 ID 最多 {limit} 个字符</translation>
    </message>
    <message>
        <source>text file is {size}; the limit is {limit}</source>
        <translation>文本文件大小为 {size}；上限为 {limit}</translation>
    </message>
    <message>
        <source>not a UTF-8 text file (invalid byte {byte} at offset {offset})</source>
        <translation>不是 UTF-8 文本文件（偏移 {offset} 处有无效字节 {byte}）</translation>
    </message>
    <message>
        <source>not a text file (contains NUL bytes)</source>
        <translation>不是文本文件（包含 NUL 字节）</translation>
    </message>
    <message>
        <source>empty text file</source>
        <translation>文本文件为空</translation>
    </message>
    <message>
        <source>media_path {path} is not a valid file name</source>
        <translation>media_path {path} 不是有效的文件名</translation>
    </message>
    <message>
        <source>media_path contains a NUL character</source>
        <translation>media_path 包含 NUL 字符</translation>
    </message>
    <message>
        <source>media_path {path} is outside the manifest&apos;s folder</source>
        <translation>media_path {path} 位于清单所在文件夹之外</translation>
    </message>
    <message>
        <source>media_path {path} is a symlink pointing outside the manifest&apos;s folder</source>
        <translation>media_path {path} 是指向清单所在文件夹之外的符号链接</translation>
    </message>
    <message>
        <source>line is {size}; the limit is {limit}</source>
        <translation>该行大小为 {size}；上限为 {limit}</translation>
    </message>
    <message>
        <source>field {name!r} is about {size}; the limit is {limit}</source>
        <translation>字段 {name!r} 大小约为 {size}；上限为 {limit}</translation>
    </message>
    <message>
        <source>not valid UTF-8 (byte {byte} at byte {offset} of the line)</source>
        <translation>不是有效的 UTF-8（该行第 {offset} 个字节为 {byte}）</translation>
    </message>
    <message>
        <source>invalid JSON: {detail} (column {column})</source>
        <translation>JSON 格式错误：{detail}（第 {column} 列）</translation>
    </message>
    <message>
        <source>invalid JSON: a number has too many digits</source>
        <translation>JSON 格式错误：数字位数过多</translation>
    </message>
    <message>
        <source>invalid JSON: nested too deeply</source>
        <translation>JSON 格式错误：嵌套层级过深</translation>
    </message>
    <message>
        <source>expected a JSON object, got {type}</source>
        <translation>应为 JSON 对象，实际为 {type}</translation>
    </message>
    <message>
        <source>unterminated quoted field (the record runs to the end of the file)</source>
        <translation>引号字段未闭合（该记录一直延续到文件末尾）</translation>
    </message>
    <message>
        <source>{count} fields, but the header has {expected}</source>
        <translation>有 {count} 个字段，但表头有 {expected} 列</translation>
    </message>
    <message>
        <source>invalid CSV: {detail}</source>
        <translation>CSV 格式错误：{detail}</translation>
    </message>
    <message>
        <source>missing required field {name!r}</source>
        <translation>缺少必填字段 {name!r}</translation>
    </message>
    <message>
        <source>field &apos;content_type&apos; is {value}; expected one of {allowed}</source>
        <translation>字段 &apos;content_type&apos; 的值为 {value}；应为以下之一：{allowed}</translation>
    </message>
    <message>
        <source>field &apos;suspected_category&apos;: unknown category code {code!r}</source>
        <translation>字段 &apos;suspected_category&apos;：未知的类别代码 {code!r}</translation>
    </message>
    <message>
        <source>no content_type, and neither media_path nor text to infer it from</source>
        <translation>没有 content_type，也没有可用于推断的 media_path 或 text</translation>
    </message>
    <message>
        <source>missing field &apos;text&apos; (required for content_type &apos;text&apos;)</source>
        <translation>缺少字段 &apos;text&apos;（content_type 为 &apos;text&apos; 时必填）</translation>
    </message>
    <message>
        <source>a text row carries its text in &apos;text&apos;; &apos;media_path&apos; is not allowed</source>
        <translation>文本行的内容应放在 &apos;text&apos; 字段中；不允许填写 &apos;media_path&apos;</translation>
    </message>
    <message>
        <source>missing field &apos;media_path&apos; (required for content_type {content_type!r})</source>
        <translation>缺少字段 &apos;media_path&apos;（content_type 为 {content_type!r} 时必填）</translation>
    </message>
    <message>
        <source>content_type {content_type!r} but {path} is {mime}</source>
        <translation>content_type 为 {content_type!r}，但 {path} 的类型是 {mime}</translation>
    </message>
    <message>
        <source>sha256 does not match {path} (the file&apos;s is {sha256})</source>
        <translation>sha256 与 {path} 不符（该文件的 sha256 为 {sha256}）</translation>
    </message>
    <message>
        <source>field {name!r} must be an integer, got {value}</source>
        <translation>字段 {name!r} 必须是整数，实际为 {value}</translation>
    </message>
    <message>
        <source>field {name!r} must be an integer, got {type} {value}</source>
        <translation>字段 {name!r} 必须是整数，实际为 {type} {value}</translation>
    </message>
    <message>
        <source>field {name!r} is {value}; expected {low}..{high}</source>
        <translation>字段 {name!r} 的值为 {value}；应在 {low}..{high} 之间</translation>
    </message>
    <message>
        <source>field {name!r} must be a number, got {value}</source>
        <translation>字段 {name!r} 必须是数字，实际为 {value}</translation>
    </message>
    <message>
        <source>field {name!r} must be a number, got {type} {value}</source>
        <translation>字段 {name!r} 必须是数字，实际为 {type} {value}</translation>
    </message>
    <message>
        <source>field {name!r} is {value}; expected a number from 0 to 1</source>
        <translation>字段 {name!r} 的值为 {value}；应为 0 到 1 之间的数字</translation>
    </message>
    <message>
        <source>field {name!r} must be a string, got {type}</source>
        <translation>字段 {name!r} 必须是字符串，实际为 {type}</translation>
    </message>
    <message>
        <source>field {name!r} contains an unpaired surrogate at character {index}</source>
        <translation>字段 {name!r} 在第 {index} 个字符处包含未配对的代理项</translation>
    </message>
    <message>
        <source>field {name!r} contains a NUL character</source>
        <translation>字段 {name!r} 包含 NUL 字符</translation>
    </message>
    <message>
        <source>field {name!r} is {size}; the limit is {limit}</source>
        <translation>字段 {name!r} 大小为 {size}；上限为 {limit}</translation>
    </message>
    <message>
        <source>field &apos;flagged_at&apos; is not an ISO 8601 date-time: {value}</source>
        <translation>字段 &apos;flagged_at&apos; 不是 ISO 8601 日期时间：{value}</translation>
    </message>
    <message>
        <source>field &apos;sha256&apos; must be 64 hexadecimal digits</source>
        <translation>字段 &apos;sha256&apos; 必须是 64 位十六进制数字</translation>
    </message>
    <message>
        <source>field {name!r} is empty</source>
        <translation>字段 {name!r} 为空</translation>
    </message>
    <message>
        <source>field {name!r} has {length} characters; the limit is {limit}</source>
        <translation>字段 {name!r} 有 {length} 个字符；上限为 {limit} 个</translation>
    </message>
    <message>
        <source>unknown field {name} ignored (first on {where})</source>
        <translation>已忽略未知字段 {name}（首次出现在{where}）</translation>
    </message>
    <message>
        <source>{where}: external_id {external_id!r} (platform {platform!r}) repeats {first}; kept the first</source>
        <translation>{where}：external_id {external_id!r}（平台 {platform!r}）与{first}重复；已保留先出现的一条</translation>
    </message>
    <message>
        <source>{where}: the same content repeats {first}; kept the first</source>
        <translation>{where}：内容与{first}相同；已保留先出现的一条</translation>
    </message>
    <message>
        <source>... and {count} more repeated rows (counted as duplicates)</source>
        <translation>……另有 {count} 行重复（计为重复项）</translation>
    </message>
    <message>
        <source>import cancelled after {rows} rows; the rest was not imported</source>
        <translation>已处理 {rows} 行后取消导入；其余内容未导入</translation>
    </message>
    <message>
        <source>{path}: symlink to a folder not followed</source>
        <translation>{path}：指向文件夹的符号链接，未跟随</translation>
    </message>
    <message>
        <source>column {column!r} ignored: column {source!r} is mapped to that field</source>
        <translation>已忽略列 {column!r}：列 {source!r} 已映射到该字段</translation>
    </message>
    <message>
        <source>mapped column {column!r} is not in the manifest</source>
        <translation>映射的列 {column!r} 不在清单中</translation>
    </message>
    <message>
        <source>--map {value}: expected COLUMN=FIELD</source>
        <translation>--map {value}：格式应为 列=字段（COLUMN=FIELD）</translation>
    </message>
    <message>
        <source>{origin}: {field!r} is not a manifest field (one of: {fields})</source>
        <translation>{origin}：{field!r} 不是清单字段（可用字段：{fields}）</translation>
    </message>
    <message>
        <source>{origin}: columns {first!r} and {second!r} are both mapped to field {field!r}</source>
        <translation>{origin}：列 {first!r} 和 {second!r} 都映射到了字段 {field!r}</translation>
    </message>
    <message>
        <source>cannot read mapping file {path}: {reason}</source>
        <translation>无法读取映射文件 {path}：{reason}</translation>
    </message>
    <message>
        <source>{path} is not a valid TOML file: {detail}</source>
        <translation>{path} 不是有效的 TOML 文件：{detail}</translation>
    </message>
    <message>
        <source>{path}: no [columns] table (see docs/manifest.md)</source>
        <translation>{path}：缺少 [columns] 表（参见 docs/manifest.md）</translation>
    </message>
    <message>
        <source>{path}: unknown key {key!r} (a mapping file has [columns] and, optionally, platform)</source>
        <translation>{path}：未知的键 {key!r}（映射文件只包含 [columns] 以及可选的 platform）</translation>
    </message>
    <message>
        <source>{path}: {key} must be a string (a field name, or an empty string to leave the column out)</source>
        <translation>{path}：{key} 必须是字符串（字段名，或用空字符串表示不导入该列）</translation>
    </message>
    <message>
        <source>{path}: platform must be a string</source>
        <translation>{path}：platform 必须是字符串</translation>
    </message>
    <message>
        <source>{path} is a folder: a column mapping applies to .jsonl and .csv manifests only</source>
        <translation>{path} 是文件夹：列映射只适用于 .jsonl 和 .csv 清单</translation>
    </message>
    <message>
        <source>a batch decides each item once</source>
        <translation>一批决定中每个条目只能出现一次</translation>
    </message>
    <message>
        <source>a hash list needs a name of 1 to 200 characters, not {name!r}</source>
        <translation>哈希列表需要 1 到 200 个字符的名称，而不是 {name!r}</translation>
    </message>
    <message>
        <source>the hash list cannot be read: {detail}</source>
        <translation>无法读取哈希列表：{detail}</translation>
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
    <name>OnlineModel</name>
    <message>
        <source>Reviewer</source>
        <translation>审核员</translation>
    </message>
    <message>
        <source>Computer</source>
        <translation>计算机</translation>
    </message>
    <message>
        <source>Holds</source>
        <translation>领取数</translation>
    </message>
    <message>
        <source>Last seen</source>
        <translation>最近在线</translation>
    </message>
    <message>
        <source>Desk open since %1</source>
        <translation>工作台自 %1 起打开</translation>
    </message>
</context>
<context>
    <name>PreviewTable</name>
    <message>
        <source>Line</source>
        <translation>行</translation>
    </message>
    <message>
        <source>Result</source>
        <translation>结果</translation>
    </message>
    <message>
        <source>imports as {type}</source>
        <translation>将导入为 {type}</translation>
    </message>
    <message>
        <source>imports as {type} (inferred)</source>
        <translation>将导入为 {type}（推断）</translation>
    </message>
    <message>
        <source>image</source>
        <translation>图片</translation>
    </message>
    <message>
        <source>animation</source>
        <translation>动图表情</translation>
    </message>
    <message>
        <source>video</source>
        <translation>视频</translation>
    </message>
    <message>
        <source>live clip</source>
        <translation>直播片段</translation>
    </message>
    <message>
        <source>text</source>
        <translation>文字</translation>
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
        <source>held by %1</source>
        <translation>%1 处理中</translation>
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
        <source>%1 is working on this item until %2</source>
        <translation>%1 正在处理此内容，至 %2</translation>
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
        <source>One per cluster</source>
        <translation>每组一条</translation>
    </message>
    <message>
        <source>Show each group of duplicate pictures once</source>
        <translation>重复图片的每一组只显示一次</translation>
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
    <name>RejectsList</name>
    <message>
        <source>Where</source>
        <translation>位置</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Rejected rows: {count}</source>
        <translation>被拒绝的行：{count}</translation>
    </message>
    <message>
        <source>Save &amp;list…</source>
        <translation>保存列表(&amp;L)…</translation>
    </message>
    <message>
        <source>Save the rejected rows</source>
        <translation>保存被拒绝的行</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>CSV 文件 (*.csv)</translation>
    </message>
    <message>
        <source>Saved to {path}</source>
        <translation>已保存到 {path}</translation>
    </message>
    <message>
        <source>The list could not be saved: {reason}</source>
        <translation>无法保存列表：{reason}</translation>
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
    <message>
        <source>--reviewer is not used with a team database: your decisions are recorded under your login (%1).</source>
        <translation>团队数据库不使用 --reviewer：您的处置以您的登录名（%1）记录。</translation>
    </message>
</context>
</TS>
