"""Compilations are typed by what they compile; a short form finds a full title that ends with a
version note."""
from kg.extract.documents import find_documents
from kg.extract.reading import read_bytes


def _docs(src: str, issuer: str = "中共某某集团委员会"):
    return {d.title: d for d in find_documents(read_bytes(src.encode(), "x"), issuer=issuer)}


def test_compilation_is_typed_by_what_it_compiles():
    docs = _docs("编印《某某集团违反中央八项规定精神典型案例通报汇编》，汇编《某某集团规章制度汇编》，"
                 "印发《某某集团内部控制制度选编》。")
    assert docs["某某集团违反中央八项规定精神典型案例通报汇编"].kind == "publication"
    assert docs["某某集团规章制度汇编"].kind == "regulation"
    assert docs["某某集团内部控制制度选编"].kind == "regulation"


def test_short_form_finds_a_title_with_a_version_note():
    docs = find_documents(read_bytes("学习《中国共产党国有企业基层组织工作条例（试行）》，对照《条例》逐条检查。".encode(), "x"))
    short = [d for d in docs if d.title == "条例"]
    assert short and short[0].canonical == "中国共产党国有企业基层组织工作条例（试行）"
