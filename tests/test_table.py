"""Finding the table in a grid: header band, flattened names, body, totals, notes."""

import numpy as np
import pandas as pd
import pytest

from civicstats import table
from civicstats.clean import _known


def grid(rows):
    """Cells as read.py gives them: object dtype, None for empty, indexed from A1."""
    width = max(len(r) for r in rows)
    return pd.DataFrame([list(r) + [None] * (width - len(r)) for r in rows], dtype=object)


def test_a_two_row_merged_header_is_flattened_into_one_name_per_column():
    cells = grid([
        ["2023年托位完成情况统计表", None, None, None],
        ["填报单位：萧山区卫健局", None, None, "单位：个"],
        ["街道", "计划新增托位", None, "已完成新增托位"],
        [None, None, "其中：普惠托位", None],
        ["北干街道", 100, 60, 120],
    ])
    merged = [(0, 0, 0, 3), (2, 0, 3, 0), (2, 1, 2, 2), (2, 3, 3, 3)]
    t = table.find_table(cells, merged, _known)
    assert t.header == range(2, 4)
    assert t.names == {
        0: ("街道",),
        1: ("计划新增托位",),
        2: ("计划新增托位", "其中：普惠托位"),
        3: ("已完成新增托位",),
    }
    assert t.above == ["2023年托位完成情况统计表", "填报单位：萧山区卫健局", "单位：个"]
    assert t.body.tolist() == [4]


def test_a_three_level_header_gives_parent_group_and_leaf_in_the_name():
    cells = grid([
        ["活动统计表", None, None, None],
        ["月份", "志愿者服务人数及时长统计", None, None],
        [None, "儿童", None, "合计"],
        [None, "人数", "小时", "人数"],
        [9, 3, 6, 3],
    ])
    merged = [(0, 0, 0, 3), (1, 0, 3, 0), (1, 1, 1, 3), (2, 1, 2, 2)]
    t = table.find_table(cells, merged, _known)
    assert t.header == range(1, 4)
    assert t.name(1) == "志愿者服务人数及时长统计/儿童/人数"
    assert t.name(2) == "志愿者服务人数及时长统计/儿童/小时"
    assert t.name(3) == "志愿者服务人数及时长统计/合计/人数"


def test_blank_rows_and_columns_around_and_inside_the_table_are_ignored():
    cells = grid([
        [None, None, None, None],
        [None, "社区", None, "居民合伙人"],
        [None, None, None, None],
        [None, "天悦社区", None, 20],
        [None, None, None, None],
        [None, "工人路社区", None, 12],
    ])
    t = table.find_table(cells, [], _known)
    assert t.header == range(1, 2)
    assert sorted(t.names) == [1, 3]
    assert t.body.tolist() == [3, 5]


@pytest.mark.parametrize("note", ["注：数据截至9月底", "填报人：张三", "数据来源：街道上报", "更多数据，尽在：某网站", "说明：1.普惠托位"])
def test_the_body_ends_at_the_first_note_or_footer_row(note):
    cells = grid([
        ["社区", "居民合伙人"],
        ["天悦社区", 20],
        [note, None],
        ["工人路社区", 99],
    ])
    t = table.find_table(cells, [], _known)
    assert t.body.tolist() == [1]
    assert t.footer == 2


def test_no_header_is_found_when_no_column_name_is_in_the_vocabulary():
    cells = grid([["地区", "GDP"], ["北京", 1.0]])
    assert table.find_table(grid([["序号", "备注"], [1, "x"]]), [], _known) is None
    assert table.find_table(pd.DataFrame(dtype=object), [], _known) is None
    assert table.find_table(cells, [], _known) is not None  # 地区 is an area column


def test_a_number_holding_row_never_joins_the_header_band():
    cells = grid([
        ["社区", "居民合伙人"],
        ["天悦社区", "20余"],
    ])
    t = table.find_table(cells, [], _known)
    assert t.header == range(0, 1)
    assert t.body.tolist() == [1]


@pytest.mark.parametrize(
    ("label", "kind"),
    [("合计", "total"), ("总合计", "total"), ("总计", "total"), ("北干街道小计", "subtotal"), ("合　 计", "total")],
)
def test_total_rows_are_found_by_a_total_word_anywhere_in_a_label_cell_even_padded_with_spaces(label, kind):
    cells = grid([["社区", "居民合伙人"], ["天悦社区", 20], [label, 20]])
    found = table.total_rows(cells, np.array([1, 2]), [0])
    assert found.to_dict("records") == [{"row": 2, "kind": kind, "label": label}]


def test_a_vertically_merged_cell_fills_the_rows_it_covers_but_a_plain_blank_does_not():
    cells = grid([["北干街道", 1], [None, 2], [None, 3], ["城厢街道", 4], [None, 5]])
    filled = table.fill_down_merged(cells, [(0, 0, 2, 0)], 0, np.arange(5))
    assert filled.tolist() == ["北干街道", "北干街道", "北干街道", "城厢街道", None]


@pytest.mark.parametrize(
    ("value", "expected"),
    [(12, True), (3.5, True), ("1,200", True), ("约300人", True), ("10余", True), ("２０", True),
     ("居民合伙人", False), ("2023年9月", False), ("其中：普惠", False), (None, False), (True, False)],
)
def test_numberish_cells_mark_data_rows(value, expected):
    assert table.is_numberish(value) is expected
